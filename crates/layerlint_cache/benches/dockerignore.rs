//! Parsing a typical `.dockerignore` and checking the paths of a mid-sized context.

use layerlint_cache::DockerIgnore;

fn main() {
    divan::main();
}

const TYPICAL: &str = "\
# VCS and editors
.git
.gitignore
.idea
.vscode
*.swp
# dependencies and build output
node_modules
!node_modules/.prisma
target
dist/
build/**
**/__pycache__
**/*.pyc
*.log
coverage
.env
.env.*
!.env.example
docs/**/*.md
!docs/README.md
Dockerfile*
docker-compose*.yml
**/.DS_Store
tmp/?/cache
[Tt]est[Rr]esults
";

fn paths() -> Vec<String> {
    let dirs = [
        "src",
        "src/app",
        "node_modules/react",
        "docs/guide",
        "target/debug",
        "lib/util",
    ];
    let files = [
        "index.ts",
        "main.rs",
        "README.md",
        "a.log",
        "x.pyc",
        ".env",
        "mod.go",
    ];
    let mut out = Vec::new();
    for i in 0..(1000 / (dirs.len() * files.len()) + 1) {
        for dir in dirs {
            for file in files {
                out.push(format!("{dir}/d{i}/{file}"));
            }
        }
    }
    out.truncate(1000);
    out
}

#[divan::bench]
fn parse_typical_file() -> DockerIgnore {
    DockerIgnore::parse(divan::black_box(TYPICAL)).unwrap()
}

#[divan::bench]
fn match_1000_paths(bencher: divan::Bencher<'_, '_>) {
    let ignore = DockerIgnore::parse(TYPICAL).unwrap();
    let paths = paths();
    bencher.bench_local(|| paths.iter().filter(|p| ignore.matches(p)).count());
}

#[divan::bench]
fn dirs_excluded_entirely(bencher: divan::Bencher<'_, '_>) {
    let ignore = DockerIgnore::parse(TYPICAL).unwrap();
    let dirs = ["node_modules", "target", "docs", "build", "src", ".git"];
    bencher.bench_local(|| {
        dirs.iter()
            .filter(|d| ignore.excludes_dir_entirely(d))
            .count()
    });
}
