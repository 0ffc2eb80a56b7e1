"""End to end: the tutorial Dockerfile's invalid exec form, found, fixed and cleared as an
editor would do it; fix-all, hover, symbols, completion, pull diagnostics; and a server that
survives malformed requests and unknown methods."""

import asyncio
import concurrent.futures

import pytest
from lsprotocol import types
from pygls.exceptions import (
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcMethodNotFound,
    JsonRpcParseError,
)
from pytest_lsp import LanguageClient

TIMEOUT = 10


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def open_document(client: LanguageClient, uri: str, text: str, version: int = 1):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="dockerfile", version=version, text=text
            )
        )
    )


async def published(client: LanguageClient, uri: str) -> types.PublishDiagnosticsParams:
    """The next diagnostics pushed for `uri`."""
    while True:
        params = await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), TIMEOUT
        )
        if params.uri == uri:
            return params


def offset(text: str, position: types.Position) -> int:
    lines = text.splitlines(keepends=True)
    start = sum(len(line) for line in lines[: position.line])
    return start + position.character  # ASCII documents only


def apply(text: str, edits) -> str:
    for edit in sorted(edits, key=lambda e: offset(text, e.range.start), reverse=True):
        text = text[: offset(text, edit.range.start)] + edit.new_text + text[offset(text, edit.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str):
    edit = action.edit
    if edit.document_changes:
        return [e for change in edit.document_changes if change.text_document.uri == uri for e in change.edits]
    return edit.changes[uri]


async def code_actions(client, uri, range_, diagnostics=(), only=None):
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=range_,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )


@pytest.mark.asyncio
async def test_tutorial_quick_fix_clears_the_diagnostic(vscode: LanguageClient, tutorial):
    uri, text = tutorial
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    params = await waiting
    assert params.version == 1
    # Other rules may report on the tutorial too; this test follows LL101.
    [diagnostic] = [d for d in params.diagnostics if d.code == "LL101"]
    others = len(params.diagnostics) - 1
    assert diagnostic.source == "layerlint"
    assert diagnostic.range.start == pos(14, 4)
    assert diagnostic.code_description.href.endswith("/rules/LL101-invalid-json-exec-form.md")
    assert "not valid JSON" in diagnostic.message

    actions = await code_actions(
        vscode, uri, diagnostic.range, [diagnostic], [types.CodeActionKind.QuickFix]
    )
    titles = [a.title for a in actions]
    assert titles[0].endswith("(LL101)"), titles
    assert "Ignore LL101 for this instruction" in titles
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred
    edits = edits_of(fix, uri)
    fixed = apply(text, edits)
    assert fixed.endswith('CMD ["node", "dist/index.js"]\n')

    # Apply it as the editor does: an incremental change, then the cleared diagnostics.
    waiting = published(vscode, uri)
    vscode.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True)
            ],
        )
    )
    params = await waiting
    assert params.version == 2
    assert [d.code for d in params.diagnostics if d.code == "LL101"] == []
    assert len(params.diagnostics) == others


@pytest.mark.asyncio
async def test_ignore_comment_suppresses(vscode: LanguageClient):
    uri = "untitled:ignore.Dockerfile"
    text = 'FROM node:20\n    CMD ["node", "index.js", ]\n'
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    [diagnostic] = (await waiting).diagnostics
    actions = await code_actions(vscode, uri, diagnostic.range, [diagnostic])
    [ignore] = [a for a in actions if a.title == "Ignore LL101 for this instruction"]
    ignored = apply(text, edits_of(ignore, uri))
    assert ignored == 'FROM node:20\n    # layerlint ignore=LL101\n    CMD ["node", "index.js", ]\n'

    waiting = published(vscode, uri)
    vscode.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=ignored)],
        )
    )
    assert len((await waiting).diagnostics) == 0


@pytest.mark.asyncio
async def test_fix_all(vscode: LanguageClient):
    uri = "untitled:fixall.Dockerfile"
    text = 'FROM node:20 AS build\nCMD ["node", "a.js", ]\nFROM alpine:3.20\nENTRYPOINT ["sh", ]\n'
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    assert len((await waiting).diagnostics) == 2
    actions = await code_actions(
        vscode, uri, types.Range(start=pos(0, 0), end=pos(0, 0)), only=[types.CodeActionKind.SourceFixAll]
    )
    [fix_all] = actions
    assert fix_all.kind == "source.fixAll.layerlint"
    assert fix_all.title == "Fix all auto-fixable problems"
    assert apply(text, edits_of(fix_all, uri)) == (
        'FROM node:20 AS build\nCMD ["node", "a.js"]\nFROM alpine:3.20\nENTRYPOINT ["sh"]\n'
    )


@pytest.mark.asyncio
async def test_hover(vscode: LanguageClient):
    uri = "untitled:hover.Dockerfile"
    text = (
        "ARG TAG=3.20\n"
        "FROM alpine:${TAG} AS base\n"
        "# layerlint ignore=invalid-json-exec-form\n"
        "RUN --mount=type=cache,target=/var/cache/apk apk add curl\n"
    )
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    await waiting

    async def hover(line, character):
        return await vscode.text_document_hover_async(
            types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character))
        )

    keyword = await hover(3, 1)
    assert keyword.contents.kind == types.MarkupKind.Markdown
    assert keyword.contents.value.startswith("**RUN**")
    assert keyword.range == types.Range(start=pos(3, 0), end=pos(3, 3))
    flag = await hover(3, 8)
    assert "type=cache,target=<dir>" in flag.contents.value
    image = await hover(1, 6)
    assert image.contents.value.startswith("**Base image `alpine:3.20`**")
    assert "| `TAG` | `3.20` | `ARG`, line 1 |" in image.contents.value
    code = await hover(2, 25)
    assert code.contents.value.startswith("# LL101 `invalid-json-exec-form`")
    assert await hover(0, 11) is None


@pytest.mark.asyncio
async def test_symbols_and_completion(vscode: LanguageClient):
    uri = "untitled:outline.Dockerfile"
    text = "FROM golang:1.23 AS build\nRUN go build\nFROM scratch\nCOPY --from=\n"
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    await waiting
    symbols = await vscode.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert [s.name for s in symbols] == ["build", "scratch"]
    assert [c.name for c in symbols[0].children] == ["FROM golang:1.23 AS build", "RUN go build"]

    async def complete(line, character):
        result = await vscode.text_document_completion_async(
            types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=pos(line, character))
        )
        items = result.items if hasattr(result, "items") else result
        return [i.label for i in items]

    assert await complete(3, 12) == ["build"]
    assert "--mount=type=cache,target=" in await complete(1, 4)
    keywords = await complete(4, 0)
    assert "HEALTHCHECK" in keywords and "RUN" in keywords


@pytest.mark.asyncio
async def test_pull_diagnostics_in_utf8(neovim: LanguageClient):
    assert neovim.init_result.capabilities.position_encoding == "utf-8"
    uri = "untitled:pull.Dockerfile"
    text = 'FROM alpine:3.20\nLABEL maintainer="Zoë"\nCMD ["zoë", ]\n'
    open_document(neovim, uri, text)
    report = await asyncio.wait_for(
        neovim.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
        TIMEOUT,
    )
    assert report.kind == "full"
    [item] = report.items
    assert item.code == "LL101"
    # Columns count UTF-8 bytes: "ë" is two.
    assert item.range.end == pos(2, 14)
    again = await neovim.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=report.result_id
        )
    )
    assert again.kind == "unchanged"
    # A client that pulls is not pushed to.
    assert uri not in neovim.diagnostics


async def send_raw(client: LanguageClient, msg_id, body: bytes):
    """Writes a frame to the server as is, and waits for the answer to `msg_id` (pygls routes
    it to the future registered here)."""
    answer = concurrent.futures.Future()
    client.protocol._request_futures[msg_id] = answer
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await client._server.stdin.drain()
    return await asyncio.wait_for(asyncio.wrap_future(answer), TIMEOUT)


@pytest.mark.asyncio
async def test_malformed_request_and_unknown_method_leave_the_server_running(vscode: LanguageClient, tutorial):
    # Wrong parameters.
    with pytest.raises(JsonRpcInvalidParams):
        await send_raw(
            vscode,
            "bad-params",
            b'{"jsonrpc": "2.0", "id": "bad-params", "method": "textDocument/hover", "params": {"textDocument": 42}}',
        )
    # Not JSON at all: a parse error, for id null.
    with pytest.raises(JsonRpcParseError):
        await send_raw(vscode, None, b'{"jsonrpc": "2.0", "id": 7, "method": ')
    # Not a JSON-RPC message.
    with pytest.raises(JsonRpcInvalidRequest):
        await send_raw(vscode, "no-version", b'{"id": "no-version", "method": "initialize"}')
    # Unknown methods.
    with pytest.raises(JsonRpcMethodNotFound):
        await vscode.protocol.send_request_async("layerlint/noSuchMethod", {})
    vscode.protocol.notify("layerlint/noSuchNotification", {})
    # Still serving.
    uri, text = tutorial
    waiting = published(vscode, uri)
    open_document(vscode, uri, text)
    assert "LL101" in [d.code for d in (await waiting).diagnostics]
