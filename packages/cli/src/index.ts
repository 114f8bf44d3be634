/**
 * `@stowage/cli` as a library: the pieces the `stowage` binary is made of, for
 * tools that embed it or test against it.
 */
export { run, mainHelp, COMMANDS, GLOBAL_OPTIONS, type RunOptions } from './main.js';
export { EXIT, UsageError, InterruptedError, exitCodeFor, describeError, errorJson, type ExitCode } from './exit-codes.js';
export { parseLocation, formatLocation, showLocation, type Location, type LocalLocation, type RemoteLocation } from './location.js';
export {
  resolveStoreConfig,
  loadConfigFile,
  defaultConfigPath,
  envSettings,
  describeConfig,
  ENV_SETTINGS,
  PROVIDER_SETTINGS,
  SETTING_NAMES,
  type CliSettings,
  type ConfigFile,
  type ProfileEntry,
  type SettingsSources,
  type ResolvedStoreConfig,
} from './config.js';
export { StoreFactory, type OpenedStore, type StoreFactoryOptions } from './stores.js';
export { localPathFor, UnsafeKeyError } from './safe-path.js';
export { globToRegExp, makeFilters, selected, type Filter } from './filters.js';
export { ProgressReporter, chooseProgressMode, type ProgressMode, type TransferSnapshot } from './progress.js';
export { parseSize, parseDuration, formatBytes, formatSeconds } from './units.js';
