// `node --import tsx test/extension/e2e/prepare.ts`: what every end-to-end session needs, installed once
// (scripts/test.mjs runs it before the end-to-end files, which then find everything in place).
import { prepare } from "./session";

prepare();
