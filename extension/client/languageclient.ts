// vscode-languageclient, the part of the extension that activation does not need: the build makes this
// file its own bundle (dist/languageclient.js), required the first time the server starts, after
// activate() returned (scripts/build.mjs). Import it only with `await import("./languageclient")`.
export { CloseAction, ErrorAction, LanguageClient, State, TransportKind } from "vscode-languageclient/node";
