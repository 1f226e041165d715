-- daily_stats per mode (paper, demo, live): the key becomes (date, mode). The rows before this
-- migration summed every mode together and cannot be split by mode, so they are dropped rather
-- than copied under a mode they were not (drizzle-kit's generated copy selected a `mode` column
-- the old table does not have); the daily rollup writes the last complete days again per mode
-- on its next run, from the `trades` ledger. The schema snapshot is drizzle-kit's own.
DROP TABLE `daily_stats`;--> statement-breakpoint
CREATE TABLE `daily_stats` (
	`date` text NOT NULL,
	`mode` text NOT NULL,
	`trades` integer NOT NULL,
	`wins` integer NOT NULL,
	`win_rate` real,
	`gross_pnl` real NOT NULL,
	`fees` real NOT NULL,
	`net_pnl` real NOT NULL,
	`profit_factor` real,
	`start_equity` real NOT NULL,
	`end_equity` real NOT NULL,
	`return` real,
	`max_drawdown` real NOT NULL,
	`avg_hold_seconds` real,
	`fee_impact` real,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`date`, `mode`)
);
