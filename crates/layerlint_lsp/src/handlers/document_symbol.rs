//! `textDocument/documentSymbol`: the stages (named by their `AS` name, else their image)
//! with their instructions as children; global ARGs at the top level.

use layerlint_syntax::{Body, Dockerfile, Instruction, InstructionKind};
use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, Location, SymbolInformation,
    SymbolKind, Uri,
};

use crate::convert::Lines;
use crate::session::Session;
use crate::snapshot::Snapshot;

pub fn handle(session: &Session, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let uri = params.text_document.uri;
    let snapshot = session.snapshot(&uri)?;
    let caps = session.caps();
    let lines = snapshot.lines(caps.encoding);
    let symbols = symbols(&snapshot, &lines);
    Some(if caps.hierarchical_symbols {
        DocumentSymbolResponse::Nested(symbols)
    } else {
        DocumentSymbolResponse::Flat(flatten(&uri, symbols, None))
    })
}

/// The outline of a file.
pub fn symbols(snapshot: &Snapshot, lines: &Lines<'_>) -> Vec<DocumentSymbol> {
    let file = snapshot.file();
    let semantic = snapshot.semantic();
    let instructions = file.instructions();
    let mut out: Vec<DocumentSymbol> = Vec::new();
    let first_from = semantic
        .stages
        .first()
        .map_or(instructions.len(), |s| s.from);
    for instruction in &instructions[..first_from] {
        out.push(instruction_symbol(file, instruction, lines));
    }
    for stage in &semantic.stages {
        let from = &instructions[stage.from];
        let image = match &from.body {
            Body::From(f) => f.image().map(|w| w.text.clone()),
            _ => None,
        };
        let name = match (&stage.name, &image) {
            (Some(name), _) => name.clone(),
            (None, Some(image)) => image.clone(),
            (None, None) => format!("stage {}", stage.index),
        };
        let range = from.range.cover(instructions[stage.end - 1].range);
        let selection = stage.name_range.unwrap_or(from.keyword);
        #[allow(deprecated)]
        out.push(DocumentSymbol {
            name,
            detail: Some(match (&stage.name, image) {
                (Some(_), Some(image)) => format!("stage {} from {image}", stage.index),
                _ => format!("stage {}", stage.index),
            }),
            kind: SymbolKind::CLASS,
            tags: None,
            deprecated: None,
            range: lines.range(range),
            selection_range: lines.range(selection),
            children: Some(
                instructions[stage.from..stage.end]
                    .iter()
                    .map(|i| instruction_symbol(file, i, lines))
                    .collect(),
            ),
        });
    }
    out
}

fn instruction_symbol(
    file: &Dockerfile,
    instruction: &Instruction,
    lines: &Lines<'_>,
) -> DocumentSymbol {
    let keyword = file.text(instruction.keyword).to_ascii_uppercase();
    let args = file.text(instruction.args);
    let first_line = args
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\\')
        .trim();
    let mut summary: String = first_line.chars().take(60).collect();
    if summary.len() < first_line.len() || args.contains('\n') {
        summary.push('…');
    }
    let kind = match instruction.effective().kind {
        InstructionKind::From => SymbolKind::NAMESPACE,
        InstructionKind::Arg | InstructionKind::Env => SymbolKind::VARIABLE,
        InstructionKind::Label | InstructionKind::Maintainer => SymbolKind::PROPERTY,
        InstructionKind::Expose => SymbolKind::CONSTANT,
        InstructionKind::Copy | InstructionKind::Add | InstructionKind::Volume => SymbolKind::FILE,
        _ => SymbolKind::FUNCTION,
    };
    #[allow(deprecated)]
    DocumentSymbol {
        name: if summary.is_empty() {
            keyword
        } else {
            format!("{keyword} {summary}")
        },
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: lines.range(instruction.range),
        selection_range: lines.range(instruction.keyword),
        children: None,
    }
}

/// For clients without hierarchical symbols: instructions name their stage as container.
fn flatten(
    uri: &Uri,
    symbols: Vec<DocumentSymbol>,
    container: Option<&str>,
) -> Vec<SymbolInformation> {
    let mut out = Vec::new();
    for symbol in symbols {
        #[allow(deprecated)]
        out.push(SymbolInformation {
            name: symbol.name.clone(),
            kind: symbol.kind,
            tags: None,
            deprecated: None,
            location: Location::new(uri.clone(), symbol.range),
            container_name: container.map(str::to_owned),
        });
        if let Some(children) = symbol.children {
            out.extend(flatten(uri, children, Some(&symbol.name)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::LintEnv;
    use layerlint_text::PositionEncoding;

    #[test]
    fn stages_with_their_instructions() {
        let source = "ARG V=1\nFROM node:20 AS build\nRUN npm ci && \\\n  npm run build\nFROM nginx\nCOPY --from=build /app /usr/share/nginx/html\n";
        let snapshot = Snapshot::new(source, 1, LintEnv::default());
        let symbols = symbols(&snapshot, &snapshot.lines(PositionEncoding::Utf16));
        let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["ARG V=1", "build", "nginx"]);
        let build = &symbols[1];
        assert_eq!(build.detail.as_deref(), Some("stage 0 from node:20"));
        let children: Vec<&str> = build
            .children
            .as_ref()
            .unwrap()
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(children, ["FROM node:20 AS build", "RUN npm ci &&…"]);
        assert_eq!(build.range.start.line, 1);
        assert_eq!(build.range.end.line, 3);
        let flat = flatten(&"file:///Dockerfile".parse().unwrap(), symbols, None);
        assert_eq!(flat.len(), 7);
        assert_eq!(flat[6].container_name.as_deref(), Some("nginx"));
    }
}
