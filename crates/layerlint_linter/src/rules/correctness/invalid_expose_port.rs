use layerlint_syntax::{Body, InstructionKind};

use crate::declare_rule;
use crate::rule::{Check, Wants};
use crate::{Context, Node};

declare_rule! {
    /// ## What it does
    /// Reports an `EXPOSE` port that BuildKit cannot read: a number outside 0–65535, a
    /// word that is not a number, a range whose end is before its start
    /// (`8010-8000`), a missing port (`/tcp`) or a protocol other than `tcp`, `udp` and
    /// `sctp`. Ports written with a variable are not checked (their value may come from
    /// the base image). Host addresses and host ports (`8080:80`) are another rule's
    /// (`expose-host-mapping`); so is the casing of the protocol.
    ///
    /// ## Why is this bad?
    /// The build fails at the `EXPOSE`, after every earlier layer was built:
    /// `invalid containerPort: 80800`, `invalid proto: http`.
    ///
    /// ## Examples
    /// ### Invalid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80/http
    /// ```
    ///
    /// ### Valid
    /// ```dockerfile
    /// FROM nginx:1.27
    /// ARG PORT=8080
    /// EXPOSE 80 443/tcp 8000-8010/udp ${PORT}
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended port is not known.
    pub(crate) struct InvalidExposePort {
        code: "LL125",
        name: "invalid-expose-port",
        category: Correctness,
        severity: Error,
        fix: None,
        summary: "an `EXPOSE` port BuildKit cannot read",
        equivalents: [Hadolint("DL3011"), Trivy("DS-0008")],
    }
}

impl Check for InvalidExposePort {
    type State = ();
    const WANTS: Wants = Wants::kinds(&[InstructionKind::Expose]).and_onbuild_triggers();

    fn instruction(&self, cx: &mut Context<'_>, _state: &mut (), node: &Node<'_>) {
        let Body::Expose(words) = &node.instruction.body else {
            return;
        };
        for word in words {
            if word.text.contains('$') {
                continue;
            }
            // Quote removal, as BuildKit's word processing does.
            let Ok(expanded) = node.scope.expand(&word.text, cx.file.escape()) else {
                continue;
            };
            let spec = expanded.result;
            if let Err(problem) = check_port(&spec) {
                cx.report(word.range, format!("`EXPOSE {spec}`: {problem}"));
            }
        }
    }
}

/// BuildKit's `parsePort` for the container side (`dockerfile2llb/convert_expose.go`).
fn check_port(spec: &str) -> Result<(), String> {
    // `[ip:][hostPort:]containerPort[/proto]`: only the container side is checked here.
    let container = spec.rsplit(':').next().unwrap_or(spec);
    let (port, proto) = container.split_once('/').unwrap_or((container, ""));
    if port.is_empty() {
        return Err("no port before the protocol".to_owned());
    }
    if !matches!(
        proto.to_ascii_lowercase().as_str(),
        "" | "tcp" | "udp" | "sctp"
    ) {
        return Err(format!(
            "`{proto}` is not a protocol EXPOSE knows (tcp, udp or sctp)"
        ));
    }
    let (start, end) = port.split_once('-').unwrap_or((port, port));
    let first = port_number(start)?;
    if start != end {
        let last = port_number(end)?;
        if last < first {
            return Err(format!(
                "the range ends ({last}) before it starts ({first})"
            ));
        }
    }
    Ok(())
}

/// Go's `strconv.ParseInt(s, 10, 0)` limited to 0–65535.
fn port_number(text: &str) -> Result<i64, String> {
    if text.is_empty() {
        return Err("a port range needs a number on both sides of `-`".to_owned());
    }
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a port number"));
    }
    match text.parse::<i64>() {
        Ok(port) if (0..=65535).contains(&port) => Ok(port),
        _ => Err(format!("port {text} is out of range (0–65535)")),
    }
}

#[cfg(test)]
mod tests {
    use super::check_port;

    #[test]
    fn ports() {
        for ok in [
            "80",
            "0",
            "65535",
            "80/tcp",
            "80/UDP",
            "53/sctp",
            "8000-8010",
            "8000-8000/udp",
            "127.0.0.1:8080:80",
            "8080:80/tcp",
            "+80",
        ] {
            assert_eq!(check_port(ok), Ok(()), "{ok}");
        }
        for bad in [
            "65536",
            "80800",
            "http",
            "80/http",
            "/tcp",
            "8010-8000",
            "8000-",
            "-",
            "80a",
            "99999999999999999999",
        ] {
            assert!(check_port(bad).is_err(), "{bad}");
        }
    }
}
