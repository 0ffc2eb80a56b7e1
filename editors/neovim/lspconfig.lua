-- layerlint with nvim-lspconfig's `setup()` API (Neovim before 0.11, or configurations
-- that still use `require('lspconfig')`).

local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.layerlint then
  configs.layerlint = {
    default_config = {
      cmd = { 'layerlint', 'lsp' },
      filetypes = { 'dockerfile' },
      root_dir = util.root_pattern('layerlint.toml', '.layerlint.toml', '.git'),
      single_file_support = true,
      init_options = { unsafeFixes = false },
    },
    docs = {
      description = 'layerlint: Dockerfile linter and layer-cache optimizer (`layerlint lsp`).',
    },
  }
end

require('lspconfig').layerlint.setup({})
