-- layerlint's language server for Neovim 0.11+.
--
-- Put this file on your 'runtimepath' as `lsp/layerlint.lua` (for example in
-- `~/.config/nvim/lsp/`), then enable it:
--
--   vim.lsp.enable('layerlint')

---@type vim.lsp.Config
return {
  cmd = { 'layerlint', 'lsp' },
  filetypes = { 'dockerfile' },
  root_markers = { 'layerlint.toml', '.layerlint.toml', '.git' },
  -- Read by the server at start; `workspace/didChangeConfiguration` with the same keys
  -- (under `layerlint`) changes them later.
  init_options = {
    -- Let "fix all" (`source.fixAll.layerlint`) apply unsafe fixes too.
    unsafeFixes = false,
    -- How long edits must pause before diagnostics are pushed (clients that pull, as
    -- Neovim 0.11 does, are not affected).
    debounceMs = 50,
  },
}
