//! The commands the documentation shows run as written: every `$ lightseg ...` line of a
//! `sh` block in README.md and docs/*.md runs on the emulator's default bus (what a new
//! user gets from `lightseg-sim`), exits 0, and prints the output the block shows under
//! it (`..` stands for any text, `...` for more lines). A command that runs until
//! interrupted (`--watch` without `--count`) runs for two updates; the output of a block
//! introduced by a comment saying it is from a Pi is not compared (the emulator's bus is
//! not that Pi's). The `lightseg-sim ... lightseg ...` lines of the blocks run too: the
//! `lightseg` command they start, on the emulator's default bus, without pacing (so that
//! their animations do not take their real time here).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// A documented command: where it is, its words, the output shown under it, and whether
/// that output is to be compared.
struct Example {
    place: String,
    words: Vec<String>,
    output: Vec<String>,
    compare: bool,
}

/// Splits a command line as the shell would here: words apart at spaces, single quotes
/// kept together.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            _ => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

fn examples(path: &Path) -> Vec<Example> {
    let text = std::fs::read_to_string(path).expect("doc");
    let mut examples: Vec<Example> = Vec::new();
    let (mut in_block, mut from_a_pi) = (false, false);
    // The command of this block whose output lines follow, if any.
    let mut current: Option<usize> = None;
    for (number, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_block = line == "```sh" && !in_block;
            from_a_pi = false;
            current = None;
            continue;
        }
        if !in_block {
            continue;
        }
        if line.starts_with('#') {
            from_a_pi |= line.contains("on a Pi");
        } else if let Some(command) = line
            .strip_prefix("$ ")
            .or_else(|| line.starts_with("lightseg-sim ").then_some(line))
        {
            let command = command.split(" # ").next().unwrap_or(command).trim();
            examples.push(Example {
                place: format!("{}:{}", path.display(), number + 1),
                words: words(command),
                output: Vec::new(),
                compare: !from_a_pi,
            });
            // Output follows a `$` command only.
            current = line.starts_with("$ ").then(|| examples.len() - 1);
        } else if let Some(last) = current.and_then(|index| examples.get_mut(index)) {
            last.output.push(line.to_string());
        }
    }
    examples
}

/// Whether `actual` is `expected` with each `..` standing for any text.
fn matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("..").collect();
    let mut rest = actual;
    for (index, part) in parts.iter().enumerate() {
        match (index, rest.find(part)) {
            (0, Some(0)) => rest = &rest[part.len()..],
            (0, _) => return false,
            (_, Some(at)) => rest = &rest[at + part.len()..],
            (_, None) => return false,
        }
    }
    parts.len() > 1 || rest.is_empty()
}

#[test]
fn every_documented_lightseg_command_runs_as_written() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut docs = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    let lightseg = common::build_dir().join("../target/release/lightseg");
    let mut ran = 0;
    for example in docs.iter().flat_map(|doc| examples(doc)) {
        let Some((program, args)) = example.words.split_first() else {
            continue;
        };
        let mut args = args.to_vec();
        if program == "lightseg-sim" {
            // Only the lines that run the lightseg command (the others run the reader's
            // own program or scene); the default bus, as here, and --fast.
            match args.iter().position(|word| word == "lightseg") {
                Some(at) if !args[..at].iter().any(|w| w.starts_with("--scene")) => {
                    args.drain(..=at);
                }
                _ => continue,
            }
        } else if program != "lightseg" {
            continue;
        }
        if args.iter().any(|a| a == "--watch") && !args.iter().any(|a| a == "--count") {
            args.extend(["--count".to_string(), "2".to_string()]);
        }
        let mut command = Command::new(&lightseg);
        command.args(&args);
        let run = common::run_emulated(command, None);
        assert!(
            run.success,
            "{}: {:?} failed:\n{}",
            example.place, example.words, run.stdout
        );
        if example.compare {
            let shown: Vec<&String> = example.output.iter().filter(|l| *l != "...").collect();
            let printed: Vec<&str> = run.stdout.lines().collect();
            for (index, expected) in shown.iter().enumerate() {
                let actual = printed.get(index).copied().unwrap_or("");
                assert!(
                    matches(expected, actual),
                    "{}: {:?} printed {actual:?} where the doc shows {expected:?}",
                    example.place,
                    example.words
                );
            }
        }
        ran += 1;
    }
    assert!(ran >= 12, "{ran} documented commands");
}

#[test]
fn the_wildcard_matches_what_it_should() {
    assert!(matches(
        "{\"lux\":..,\"gain\":1}",
        "{\"lux\":12.5,\"gain\":1}"
    ));
    assert!(!matches(
        "{\"lux\":..,\"gain\":1}",
        "{\"lux\":12.5,\"gain\":16}"
    ));
    assert!(matches("lux=26", "lux=26"));
    assert!(!matches("lux=26", "lux=27"));
    assert_eq!(
        words("display -k x --scroll 'HELLO THERE'"),
        ["display", "-k", "x", "--scroll", "HELLO THERE"]
    );
}
