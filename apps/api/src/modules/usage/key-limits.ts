/** A key's own limits live in the shared core (@partner-portal/keys): the gateway holds keys to the same. */
export {
  KeyLimits,
  nextMonthStart,
  type LimitedKey,
  type LimitVerdict,
  type WindowState,
} from '@partner-portal/keys';
