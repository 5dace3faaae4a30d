export * from "./settings";
export * from "./url";
export { Passwords } from "./secrets";
