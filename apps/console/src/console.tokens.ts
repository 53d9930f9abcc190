/** Injection token of the console's settings (ConsoleSettings). */
export const CONSOLE_SETTINGS = Symbol('CONSOLE_SETTINGS');
