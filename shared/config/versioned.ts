import type { BotConfig } from "./schema";

/** A bot config with its version (a hash of its canonical JSON): what every trade row records. */
export interface VersionedConfig {
  readonly config: BotConfig;
  readonly version: string;
}
