use std::net::IpAddr;

use layerlint_diagnostics::{Edit, Fix};
use layerlint_syntax::expand::Lex;
use layerlint_syntax::{Body, InstructionKind};
use layerlint_text::TextRange;

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port with a host address or a host port:
    /// `EXPOSE 127.0.0.1:80:80`, `EXPOSE 8080:80`.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents the ports the container listens on; it cannot publish them.
    /// BuildKit keeps only the container port (`80/tcp`) and drops the rest, so
    /// `EXPOSE 8080:80` looks like a port mapping that does not exist — publishing is
    /// `docker run -p 8080:80`. BuildKit warns that this "will become an error in a
    /// future release".
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080:80
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix keeps the container port and protocol, exactly what BuildKit records
    /// in the image. It is offered when BuildKit would accept the whole port (a valid
    /// address and port numbers) and the port is written without quotes or variables.
    pub(crate) struct ExposeHostMapping {
        code: "LL114",
        name: "expose-host-mapping",
        category: Correctness,
        severity: Warning,
        fix: Sometimes,
        summary: "`EXPOSE` with a host address or host port, which it ignores",
        equivalents: [BuildKit("ExposeInvalidFormat")],
    }
}

impl Check for ExposeHostMapping {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Expose]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        for port in exposed_ports(cx, node) {
            let spec = PortSpec::split(&port.text);
            if spec.ip.is_empty() && spec.host_port.is_empty() {
                continue;
            }
            let fix = (port.literal && spec.is_valid()).then(|| {
                Fix::safe(
                    format!("Keep only the container port `{}`", spec.container),
                    vec![Edit::replace(port.range, spec.container)],
                )
            });
            cx.report(
                port.range,
                format!(
                    "EXPOSE ignores the host part of `{}`: it exposes only `{}`",
                    port.text, spec.container
                ),
            )
            .maybe_fix(fix)
            .note("EXPOSE cannot publish a port: map it when running the container (`docker run -p 8080:80`)");
        }
    }
}

/// One port of an `EXPOSE`, after BuildKit's expansion.
pub(crate) struct Port {
    pub text: String,
    /// The word it came from.
    pub range: TextRange,
    /// The word is exactly this text (no quotes, escapes or variables): it can be edited.
    pub literal: bool,
}

/// The ports of an `EXPOSE` as BuildKit reads them (each word expanded and split); words
/// with variables the file does not define are skipped.
pub(crate) fn exposed_ports(cx: &Context<'_>, node: &Node<'_>) -> Vec<Port> {
    let Body::Expose(words) = &node.instruction.body else {
        return Vec::new();
    };
    let lex = Lex::new(cx.file.escape());
    let mut out = Vec::new();
    for word in words {
        let Ok(expansion) = node.scope.expand(&word.text, cx.file.escape()) else {
            continue;
        };
        if !expansion.unmatched.is_empty() {
            continue;
        }
        let Ok(split) = lex.process_words(&word.text, node.scope) else {
            continue;
        };
        let literal =
            split.len() == 1 && split[0].text == word.text && cx.text(word.range) == word.text;
        out.extend(split.into_iter().map(|w| Port {
            text: w.text,
            range: word.range,
            literal,
        }));
    }
    out
}

/// `[ip:]host_port:container_port[/proto]`, split as BuildKit's `splitParts` does.
pub(crate) struct PortSpec<'a> {
    pub ip: &'a str,
    pub host_port: &'a str,
    /// The container port with its protocol, as written.
    pub container: &'a str,
    pub port: &'a str,
    /// The protocol as written (empty without `/`), and its offset in the whole text.
    pub proto: &'a str,
    pub proto_offset: usize,
}

impl<'a> PortSpec<'a> {
    pub(crate) fn split(raw: &'a str) -> PortSpec<'a> {
        let colons: Vec<usize> = raw.match_indices(':').map(|(i, _)| i).collect();
        let (ip, host_port, container_at) = match colons.as_slice() {
            [] => ("", "", 0),
            [one] => ("", &raw[..*one], one + 1),
            [.., second_last, last] => {
                (&raw[..*second_last], &raw[second_last + 1..*last], last + 1)
            }
        };
        let container = &raw[container_at..];
        let (port, proto, proto_offset) = match container.split_once('/') {
            Some((port, proto)) => (port, proto, container_at + port.len() + 1),
            None => (container, "", raw.len()),
        };
        PortSpec {
            ip,
            host_port,
            container,
            port,
            proto,
            proto_offset,
        }
    }

    /// Whether BuildKit accepts the whole port.
    fn is_valid(&self) -> bool {
        let proto_ok = matches!(
            self.proto.to_ascii_lowercase().as_str(),
            "" | "tcp" | "udp" | "sctp"
        );
        let ip = self
            .ip
            .strip_prefix('[')
            .and_then(|ip| ip.strip_suffix(']'))
            .unwrap_or(self.ip);
        let ip_ok = self.ip.is_empty() || ip.parse::<IpAddr>().is_ok();
        let (Some(container), host) = (port_range(self.port), port_range(self.host_port)) else {
            return false;
        };
        let host_ok = self.host_port.is_empty()
            || host.is_some_and(|(start, end)| {
                end - start == container.1 - container.0 || container.0 == container.1
            });
        proto_ok && ip_ok && host_ok
    }
}

/// `8000` or `8000-8010` as BuildKit's `parsePortRange` accepts it.
fn port_range(text: &str) -> Option<(u32, u32)> {
    let number = |s: &str| -> Option<u32> {
        let n: u32 = s.parse().ok()?;
        (n <= 65535).then_some(n)
    };
    match text.split_once('-') {
        None => number(text).map(|n| (n, n)),
        Some((start, end)) if start == end => number(start).map(|n| (n, n)),
        Some((start, end)) => {
            let (start, end) = (number(start)?, number(end)?);
            (end >= start).then_some((start, end))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PortSpec;

    #[test]
    fn splits_ports() {
        let s = PortSpec::split("127.0.0.1:80:80/TCP");
        assert_eq!(
            (s.ip, s.host_port, s.container, s.proto),
            ("127.0.0.1", "80", "80/TCP", "TCP")
        );
        assert_eq!(&"127.0.0.1:80:80/TCP"[s.proto_offset..], "TCP");
        assert!(s.is_valid());
        let s = PortSpec::split("[::1]:8080:8080");
        assert_eq!((s.ip, s.host_port, s.container), ("[::1]", "8080", "8080"));
        assert!(s.is_valid());
        let s = PortSpec::split("5000:5000");
        assert_eq!((s.ip, s.host_port, s.container), ("", "5000", "5000"));
        let s = PortSpec::split("8000");
        assert_eq!(
            (s.ip, s.host_port, s.container, s.proto),
            ("", "", "8000", "")
        );
        assert!(!PortSpec::split("bogus:80:80").is_valid());
        assert!(!PortSpec::split("8000-8001:80-90").is_valid());
        assert!(PortSpec::split("8000-8010:80").is_valid());
    }
}
