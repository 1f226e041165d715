/**
 * Portfolio rules, pure: position and correlation limits, the daily loss limit, stop-loss
 * cooldowns and the trading state. The Coordinator Durable Object and the backtester share them.
 * @module
 */
export * from "./correlation";
export * from "./daily-loss";
export * from "./cooldown";
export * from "./edge-monitor";
export * from "./mean-interval";
export * from "./portfolio-types";
export * from "./portfolio";
export * from "./trade-expectancy";
