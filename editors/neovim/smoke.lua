-- A smoke test: Neovim's built-in client (0.7 and later) drives `layerlint lsp` headless on
-- the tutorial Dockerfile: its diagnostic, hover on its CMD, code actions, the quick fix
-- applied, the diagnostics cleared.
--
--   LAYERLINT_BIN=target/debug/layerlint RESULT=/tmp/result.txt \
--     nvim --headless -u NONE -c "luafile editors/neovim/smoke.lua" fixtures/seed/tutorial/Dockerfile
--
-- (It edits the buffer only; nothing is written.)
local bin = os.getenv('LAYERLINT_BIN')
local out = {}
local function log(s) table.insert(out, s) end
local file = vim.fn.argv(0)
vim.cmd('edit ' .. file)
vim.bo.filetype = 'dockerfile'
local id = vim.lsp.start_client({ name = 'layerlint', cmd = { bin, 'lsp' }, root_dir = vim.fn.fnamemodify(file, ':p:h') })
vim.lsp.buf_attach_client(0, id)
local ok = vim.wait(5000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local d = vim.diagnostic.get(0)[1]
log(('diagnostic: %s %s line %d col %d: %s'):format(tostring(ok), d and d.code or '?', d and d.lnum or -1, d and d.col or -1, d and d.message or ''))
local client = vim.lsp.get_client_by_id(id)
log('server: ' .. vim.inspect(client.server_capabilities.positionEncoding) .. ' sync ' .. vim.inspect(client.server_capabilities.textDocumentSync.change))
-- Hover on CMD.
local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 14, character = 1 } }, 3000)
for _, r in pairs(hover or {}) do log('hover: ' .. (r.result and r.result.contents.value:sub(1, 7) or 'nil')) end
-- Code actions at the diagnostic, apply the first quick fix.
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } }, context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(0, d.lnum) } }
local actions = vim.lsp.buf_request_sync(0, 'textDocument/codeAction', params, 3000)
for _, r in pairs(actions or {}) do
  for i, a in ipairs(r.result or {}) do log(('action %d: [%s] %s'):format(i, a.kind, a.title)) end
  vim.lsp.util.apply_workspace_edit(r.result[1].edit, 'utf-16')
end
log('line 15 now: ' .. vim.api.nvim_buf_get_lines(0, 14, 15, false)[1])
local cleared = vim.wait(5000, function() return #vim.diagnostic.get(0) == 0 end, 50)
log('cleared: ' .. tostring(cleared))
vim.fn.writefile(out, os.getenv('RESULT') or '/dev/stdout')
vim.lsp.stop_client(id)
vim.wait(500)
vim.cmd('qall!')
