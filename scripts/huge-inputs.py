#!/usr/bin/env python3
"""Time layerlint on generated Dockerfiles of one shape repeated n and 4n times.

    scripts/huge-inputs.py [--bin PATH] [--n 2000] [--shellcheck] [SHAPE...]

Each shape (an ARG and a RUN, a COPY and an install, a chain of stages, ...) is written
n and 4n times into a temporary directory, and `check --select ALL`, `check --diff
--unsafe-fixes --select ALL` and `cache` run on both, timed with /usr/bin/time (wall
seconds and peak RSS). Work linear in the file's size takes about 4x as long on the 4n
file; the last column flags a shape that takes more than 8x (quadratic is 16x). ShellCheck
is off unless --shellcheck. Prints a Markdown table; builds nothing (default binary:
target/release/layerlint).
"""
import argparse
import os
import subprocess
import sys
import tempfile

SHAPES = {
    "arg-run": lambda n: "FROM alpine:3\n" + "".join(f"ARG V{i}=v{i}\nRUN echo $V1\n" for i in range(n)),
    "env-run": lambda n: "FROM alpine:3\n" + "".join(f"ENV V{i}=$V{i - 1}x\nRUN echo $V{i}\n" for i in range(n)),
    "path-append": lambda n: "FROM alpine:3\n" + "".join(f"ENV PATH=$PATH:/opt/p{i}/bin\n" for i in range(n)) + "RUN make\n",
    "global-args": lambda n: "".join(f"ARG G{i}=1\n" for i in range(n))
    + "".join(f"FROM alpine:3 AS s{i}\nARG G{i}\nRUN echo $G{i}\n" for i in range(n // 4)),
    "stage-chain": lambda n: "FROM alpine:3 AS s0\n"
    + "".join(f"FROM s{i - 1} AS s{i}\nENV E{i}={i}\nCOPY --from=s{i - 1} /a /b{i}\nRUN echo $E{i}\n" for i in range(1, n)),
    "copy-install": lambda n: "FROM node:20\nWORKDIR /app\n" + "".join(f"COPY f{i} ./\nRUN npm install\n" for i in range(n)),
    "user-workdir-run": lambda n: "FROM alpine:3\n" + "".join(f"USER u{i}\nWORKDIR d{i}\nRUN cd /x && echo {i}\n" for i in range(n)),
    "apt-fixes": lambda n: "FROM debian:12\n" + "".join(f"RUN apt-get install pkg{i}\n" for i in range(n)),
    "maintainer-fixes": lambda n: "FROM debian:12\n" + "".join(f"MAINTAINER m{i}\n" for i in range(n)),
    "downloads": lambda n: "FROM alpine:3\n" + "".join(f"RUN wget http://x/{i} && curl -k http://y/{i} | sh\n" for i in range(n)),
    "heredocs": lambda n: "# syntax=docker/dockerfile:1\nFROM alpine:3\n" + "".join(f"RUN <<EOF{i}\necho {i}\nEOF{i}\n" for i in range(n)),
    "exposes": lambda n: "FROM alpine:3\n" + "".join(f"EXPOSE {i % 60000 + 1}\n" for i in range(n)),
    "one-long-run": lambda n: "FROM alpine:3\nRUN " + " && \\\n    ".join(f"echo {i}" for i in range(n)) + "\n",
}


def timed(command):
    with tempfile.NamedTemporaryFile("r") as out:
        run = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", out.name, *command],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall, rss = out.read().split()[-2:]
    return float(wall), int(rss) / 1024, run.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default="target/release/layerlint")
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--shellcheck", action="store_true")
    parser.add_argument("shapes", nargs="*", default=list(SHAPES))
    args = parser.parse_args()
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        sys.exit(f"{binary}: no such binary (cargo build --release, or --bin PATH)")
    shellcheck = [] if args.shellcheck else ["--shellcheck=off"]
    modes = {
        "check": ["check", "--exit-zero", "--select", "ALL", *shellcheck],
        "diff": ["check", "--exit-zero", "--select", "ALL", "--diff", "--unsafe-fixes", *shellcheck],
        "cache": ["cache"],
    }
    sizes = (args.n, 4 * args.n)
    print(f"| shape | KB at {sizes[1]} | " + " | ".join(f"{m} {n}" for m in modes for n in sizes) + " | worst 4n/n |")
    print("|---" * (3 + 2 * len(modes)) + "|")
    with tempfile.TemporaryDirectory() as work:
        for shape in args.shapes:
            cells, worst = [], 0.0
            files = []
            for n in sizes:
                path = os.path.join(work, f"{shape}-{n}.Dockerfile")
                with open(path, "w") as out:
                    out.write(SHAPES[shape](n))
                files.append(path)
            for command in modes.values():
                times = []
                for path in files:
                    wall, rss, code = timed([binary, *command, path])
                    cells.append(f"{wall:.2f} s, {rss:.0f} MB" + ("" if code in (0, 1) else f" (exit {code})"))
                    times.append(wall)
                if times[0] >= 0.02:
                    worst = max(worst, times[1] / times[0])
            flag = f"{worst:.1f}x" + (" superlinear" if worst > 8 else "") if worst else "-"
            size = os.path.getsize(files[1]) // 1024
            print(f"| {shape} | {size} | " + " | ".join(cells) + f" | {flag} |")


if __name__ == "__main__":
    main()
