use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::InstructionKind;
use layerlint_text::{TextRange, TextSize};

use super::expose_host_mapping::{PortSpec, exposed_ports};
use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` protocol that is not lower-case: `EXPOSE 53/UDP`.
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases the protocol when it records the port, so the upper-case
    /// spelling only makes the file disagree with the image (`53/udp`) and with every
    /// other tool, which writes protocols in lower case.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM coredns/coredns:1.11.3
    /// EXPOSE 53/UDP
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM coredns/coredns:1.11.3
    /// EXPOSE 53/udp
    /// ```
    ///
    /// ## Fix safety
    /// Safe: BuildKit reads the protocol in any case and records it in lower case; the
    /// image is the same.
    pub(crate) struct ExposeProtocolCasing {
        code: "LL115",
        name: "expose-protocol-casing",
        category: Correctness,
        severity: Info,
        fix: Sometimes,
        summary: "an `EXPOSE` protocol is not lower-case",
        equivalents: [BuildKit("ExposeProtoCasing")],
    }
}

impl Check for ExposeProtocolCasing {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Expose]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        for port in exposed_ports(cx, node) {
            let spec = PortSpec::split(&port.text);
            let lower = spec.proto.to_ascii_lowercase();
            if lower == spec.proto || !matches!(lower.as_str(), "tcp" | "udp" | "sctp") {
                continue;
            }
            let range = if port.literal {
                TextRange::at(
                    port.range.start() + TextSize::from_usize(spec.proto_offset),
                    TextSize::of(spec.proto),
                )
            } else {
                port.range
            };
            let fix = port.literal.then(|| {
                Fix::safe(
                    format!("Write `{lower}`"),
                    vec![Edit::replace(range, lower.clone())],
                )
            });
            cx.report(
                range,
                format!(
                    "protocol `{}` in `{}` should be lower-case",
                    spec.proto, port.text
                ),
            )
            .maybe_fix(fix);
        }
    }
}
