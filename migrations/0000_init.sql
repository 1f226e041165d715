CREATE TABLE `trades` (
	`id` text PRIMARY KEY NOT NULL,
	`symbol` text NOT NULL,
	`mode` text NOT NULL,
	`side` text NOT NULL,
	`entry_time` integer NOT NULL,
	`exit_time` integer NOT NULL,
	`entry_price` real NOT NULL,
	`exit_price` real NOT NULL,
	`size` real NOT NULL,
	`entry_score` real NOT NULL,
	`sub_scores` text NOT NULL,
	`exit_reason` text NOT NULL,
	`hold_seconds` real NOT NULL,
	`gross_pnl` real NOT NULL,
	`fees` real NOT NULL,
	`slippage` real NOT NULL,
	`net_pnl` real NOT NULL,
	`config_version` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `trades_symbol_exit_time_idx` ON `trades` (`symbol`,`exit_time`);