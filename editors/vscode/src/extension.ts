// The layerlint extension: starts `layerlint lsp` and connects it to VS Code.

import * as fs from "fs";
import * as path from "path";
import {
  CodeAction,
  CodeActionKind,
  ExtensionContext,
  Range,
  TextDocument,
  TextEdit,
  commands,
  window,
  workspace,
} from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

const FIX_ALL = CodeActionKind.SourceFixAll.append("layerlint");

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  context.subscriptions.push(
    commands.registerCommand("layerlint.restart", restart),
    workspace.onWillSaveTextDocument((event) => {
      const document = event.document;
      if (document.languageId !== "dockerfile") {
        return;
      }
      if (!workspace.getConfiguration("layerlint", document).get<boolean>("fixAll")) {
        return;
      }
      event.waitUntil(fixAllEdits(document));
    }),
    workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("layerlint.path")) {
        await restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

async function restart(): Promise<void> {
  await client?.stop();
  client = undefined;
  await start();
}

async function start(): Promise<void> {
  const command = findBinary();
  if (command === undefined) {
    void window.showErrorMessage(
      "layerlint: no `layerlint` binary found. Install it (`cargo install layerlint`) or set `layerlint.path`.",
    );
    return;
  }
  const serverOptions: ServerOptions = {
    command,
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const settings = workspace.getConfiguration("layerlint");
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "dockerfile" },
      { scheme: "untitled", language: "dockerfile" },
    ],
    initializationOptions: {
      unsafeFixes: settings.get<boolean>("unsafeFixes", false),
    },
    // Sends `workspace/didChangeConfiguration` with `{ layerlint: {...} }` on changes.
    synchronize: { configurationSection: "layerlint" },
  };
  client = new LanguageClient("layerlint", "layerlint", serverOptions, clientOptions);
  await client.start();
}

/** `layerlint.path` (relative to the first workspace folder), else `layerlint` on PATH. */
function findBinary(): string | undefined {
  const configured = workspace.getConfiguration("layerlint").get<string>("path", "").trim();
  if (configured !== "") {
    const folder = workspace.workspaceFolders?.[0]?.uri.fsPath;
    return path.isAbsolute(configured) || folder === undefined
      ? configured
      : path.join(folder, configured);
  }
  const names = process.platform === "win32" ? ["layerlint.exe", "layerlint"] : ["layerlint"];
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    for (const name of names) {
      const candidate = path.join(dir, name);
      if (dir !== "" && fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The edits of the server's `source.fixAll.layerlint` action for `document`. */
async function fixAllEdits(document: TextDocument): Promise<TextEdit[]> {
  const actions = await commands.executeCommand<CodeAction[] | undefined>(
    "vscode.executeCodeActionProvider",
    document.uri,
    new Range(0, 0, 0, 0),
    FIX_ALL.value,
  );
  const edits: TextEdit[] = [];
  for (const action of actions ?? []) {
    if (action.kind !== undefined && FIX_ALL.contains(action.kind) && action.edit !== undefined) {
      edits.push(...action.edit.get(document.uri));
    }
  }
  return edits;
}
