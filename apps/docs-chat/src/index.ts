/**
 * The app's programmatic entry: start it in-process (tests, the load script).
 */
export { type App, type AppOptions, createApp } from './app';
export type { ChatEvent } from './chat-events';
export { type Config, loadConfig } from './config';
