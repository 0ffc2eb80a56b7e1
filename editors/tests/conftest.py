"""Fixtures: `layerlint lsp` driven by pytest-lsp's client, declaring the capabilities of
real editors (VS Code for push diagnostics, Neovim 0.11 for pull and UTF-8)."""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

ROOT = pathlib.Path(__file__).resolve().parents[2]


def layerlint_binary() -> str:
    """`LAYERLINT_BIN`, else the debug build in the workspace's target directory."""
    explicit = os.environ.get("LAYERLINT_BIN")
    if explicit:
        return explicit
    target = os.environ.get("CARGO_TARGET_DIR", str(ROOT / "target"))
    return str(pathlib.Path(target) / "debug" / "layerlint")


CONFIG = ClientServerConfig(server_command=[layerlint_binary(), "lsp"])


async def start(client: LanguageClient, editor: str, options: dict):
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    params = types.InitializeParams(
        capabilities=client_capabilities(editor),
        initialization_options=options,
    )
    result = await client.initialize_session(params)
    return result


@pytest_lsp.fixture(config=CONFIG)
async def vscode(lsp_client: LanguageClient):
    """A client with VS Code 1.65's capabilities: the server pushes diagnostics."""
    await start(lsp_client, "visual-studio-code", {"debounceMs": 0})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def neovim(lsp_client: LanguageClient):
    """A client with Neovim 0.11's capabilities: it pulls diagnostics, takes UTF-8."""
    lsp_client.init_result = await start(lsp_client, "neovim", {})
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def tutorial():
    path = ROOT / "fixtures" / "seed" / "tutorial" / "Dockerfile"
    return path.as_uri(), path.read_text()
