CREATE TABLE `config_audit` (
	`at` integer NOT NULL,
	`version` text NOT NULL,
	`previous_version` text NOT NULL,
	`kind` text NOT NULL,
	`change` text NOT NULL,
	PRIMARY KEY(`version`, `at`)
);
--> statement-breakpoint
CREATE INDEX `config_audit_at_idx` ON `config_audit` (`at`);--> statement-breakpoint
CREATE TABLE `daily_stats` (
	`date` text PRIMARY KEY NOT NULL,
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
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `fills` (
	`id` text PRIMARY KEY NOT NULL,
	`trade_id` text,
	`symbol` text NOT NULL,
	`mode` text NOT NULL,
	`client_oid` text NOT NULL,
	`side` text NOT NULL,
	`role` text NOT NULL,
	`price` real NOT NULL,
	`size` real NOT NULL,
	`fee` real NOT NULL,
	`liquidity` text NOT NULL,
	`slippage` real NOT NULL,
	`ts` integer NOT NULL,
	`final` integer NOT NULL,
	`exit_reason` text,
	`config_version` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `fills_symbol_ts_idx` ON `fills` (`symbol`,`ts`);--> statement-breakpoint
CREATE INDEX `fills_trade_id_idx` ON `fills` (`trade_id`);--> statement-breakpoint
CREATE INDEX `trades_exit_time_id_idx` ON `trades` (`exit_time`,`id`);