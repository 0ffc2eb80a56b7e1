use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::{Body, Instruction, InstructionKind};

use crate::Context;
use crate::declare_rule;
use crate::rule::{Check, Wants};

declare_rule! {
    /// ## What it does
    /// Reports an instruction keyword whose case differs from the file's majority: `copy`
    /// in a file of upper-case instructions, `FROM` among lower-case ones, and mixed case
    /// like `From` always. The majority is counted as BuildKit counts it (the instructions
    /// of the stages, ties going to upper case); keywords before the first `FROM` and
    /// after `ONBUILD` are checked against it too.
    ///
    /// ## Why is this bad?
    /// Keywords are case-insensitive, so this is about reading: a file in one case scans
    /// as instructions and arguments at a glance, and the odd `run` looks like a mistake.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM alpine:3.20
    /// run apk add --no-cache curl
    /// CMD ["curl", "--version"]
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// from alpine:3.20
    /// run apk add --no-cache curl
    /// cmd ["curl", "--version"]
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix changes the keyword's case only, and keywords are case-insensitive.
    pub(crate) struct InconsistentInstructionCasing {
        code: "LL603",
        name: "inconsistent-instruction-casing",
        category: Style,
        severity: Style,
        fix: Always,
        summary: "an instruction keyword's case differs from the rest of the file",
        equivalents: [BuildKit("ConsistentInstructionCasing")],
    }
}

impl Check for InconsistentInstructionCasing {
    type State = ();
    const WANTS: Wants = Wants::NOTHING;

    fn finish(&self, cx: &mut Context<'_>, _state: &mut ()) {
        let instructions = cx.file.instructions();
        let Some(first_from) = instructions
            .iter()
            .position(|i| i.kind == InstructionKind::From)
        else {
            return;
        };
        let (mut lower, mut upper) = (0usize, 0usize);
        for instruction in &instructions[first_from..] {
            let keyword = cx.text(instruction.keyword);
            if is_lower(keyword) {
                lower += 1;
            } else if is_upper(keyword) {
                upper += 1;
            }
        }
        let majority_lower = lower > upper;
        for instruction in instructions {
            check(cx, instruction, majority_lower);
            if let Body::Onbuild(Some(trigger)) = &instruction.body {
                check(cx, trigger, majority_lower);
            }
        }
    }
}

/// Whether a keyword has no upper-case letter (tested on bytes: nothing is allocated).
fn is_lower(keyword: &str) -> bool {
    !keyword.bytes().any(|b| b.is_ascii_uppercase())
}

/// Whether a keyword has no lower-case letter.
fn is_upper(keyword: &str) -> bool {
    !keyword.bytes().any(|b| b.is_ascii_lowercase())
}

fn check(cx: &mut Context<'_>, instruction: &Instruction, majority_lower: bool) {
    if instruction.kind == InstructionKind::Unknown {
        return;
    }
    let keyword = cx.text(instruction.keyword);
    // Checked before anything is allocated: most keywords are fine.
    let (wanted, casing) = if majority_lower {
        if is_lower(keyword) {
            return;
        }
        (keyword.to_ascii_lowercase(), "lower-case")
    } else {
        if is_upper(keyword) {
            return;
        }
        (keyword.to_ascii_uppercase(), "upper-case")
    };
    cx.report(
        instruction.keyword,
        format!("`{keyword}` should be {casing}, like most instructions in this file"),
    )
    .fix(Fix::safe(
        format!("Write `{wanted}`"),
        vec![Edit::replace(instruction.keyword, wanted)],
    ));
}
