/** The recorder lives in the shared core (@partner-portal/keys): the gateway counts the same way. */
export {
  UsageRecorder,
  type KeyedRequest,
  type RecorderOptions,
  type UsageDelta,
} from '@partner-portal/keys';
