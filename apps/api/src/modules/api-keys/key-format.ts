/** The key format lives in the shared core (@partner-portal/keys); re-exported for the api's modules. */
export {
  checksum,
  generateApiKey,
  looksLikeApiKey,
  parseApiKey,
  type KeyEnvironment,
} from '@partner-portal/keys';
