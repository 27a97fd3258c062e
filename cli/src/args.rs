//! Command-line parsing: flags with values (`--bus 1`, `--bus=1`, `-b 1`), switches, and
//! positional words, with errors that name the offending argument.

use std::time::Duration;

/// A usage error: printed with a hint to `--help`, exit status 2.
#[derive(Debug)]
pub struct UsageError(pub String);

/// The arguments of one command, consumed flag by flag.
pub struct Args {
    words: Vec<String>,
}

impl Args {
    /// Wraps the arguments after the command name.
    pub fn new(words: Vec<String>) -> Self {
        Self { words }
    }

    /// Whether `flag` (or its `short` form) is present; removes it.
    pub fn switch(&mut self, flag: &str, short: Option<&str>) -> bool {
        let before = self.words.len();
        self.words
            .retain(|word| word != flag && Some(word.as_str()) != short);
        self.words.len() != before
    }

    /// Whether `flag` (or `short`) is present, with or without a value; removes nothing.
    pub fn has(&self, flag: &str, short: Option<&str>) -> bool {
        self.words.iter().any(|word| {
            word == flag
                || Some(word.as_str()) == short
                || word
                    .strip_prefix(flag)
                    .is_some_and(|rest| rest.starts_with('='))
        })
    }

    /// The value of `flag` (`--flag VALUE`, `--flag=VALUE` or `-f VALUE`), if present;
    /// removes both. The last one wins when given twice.
    pub fn value(&mut self, flag: &str, short: Option<&str>) -> Result<Option<String>, UsageError> {
        let mut found = None;
        let mut index = 0;
        while index < self.words.len() {
            let word = &self.words[index];
            if let Some(value) = word
                .strip_prefix(flag)
                .and_then(|rest| rest.strip_prefix('='))
            {
                found = Some(value.to_string());
                self.words.remove(index);
            } else if let Some(value) = short
                .and_then(|short| word.strip_prefix(short))
                .filter(|rest| !rest.is_empty() && !word.starts_with("--"))
            {
                // `-n3`: the value attached to the short flag.
                found = Some(value.to_string());
                self.words.remove(index);
            } else if word == flag || Some(word.as_str()) == short {
                if index + 1 >= self.words.len() {
                    return Err(UsageError(format!("{word} needs a value")));
                }
                let value = self.words.remove(index + 1);
                self.words.remove(index);
                found = Some(value);
            } else {
                index += 1;
            }
        }
        Ok(found)
    }

    /// The remaining words, which must not look like flags (a lone `-` or `--` ends
    /// the flags: `lightseg display -- -12`).
    pub fn positional(self) -> Result<Vec<String>, UsageError> {
        let mut words = Vec::new();
        let mut flags_done = false;
        for word in self.words {
            if !flags_done && word == "--" {
                flags_done = true;
            } else if !flags_done && word.starts_with('-') && word.len() > 1 {
                let number = word[1..].chars().all(|c| c.is_ascii_digit() || c == '.');
                return Err(UsageError(if number {
                    format!(
                        "unknown option {word}: to show a negative number, end the options \
                         with -- first: -- {word}"
                    )
                } else {
                    format!("unknown option {word}")
                }));
            } else {
                words.push(word);
            }
        }
        Ok(words)
    }
}

/// Parses an integer in decimal or `0x` hex.
pub fn integer(flag: &str, text: &str) -> Result<i64, UsageError> {
    let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => i64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed.map_err(|_| UsageError(format!("{flag}: {text:?} is not a number")))
}

/// Parses a bus number (the N of /dev/i2c-N).
pub fn bus(text: Option<String>) -> Result<i32, UsageError> {
    let Some(text) = text else { return Ok(1) };
    let value = integer("--bus", &text)?;
    i32::try_from(value)
        .ok()
        .filter(|bus| *bus >= 0)
        .ok_or_else(|| UsageError(format!("--bus: {text} is not a bus number")))
}

/// Parses a 7-bit address from `allowed` (numbers, or the names given with them).
pub fn address(
    text: Option<String>,
    default: u8,
    allowed: &[(u8, &str)],
) -> Result<u8, UsageError> {
    let Some(text) = text else {
        return Ok(default);
    };
    let by_name = allowed
        .iter()
        .find(|(_, name)| !name.is_empty() && name.eq_ignore_ascii_case(&text));
    if let Some((address, _)) = by_name {
        return Ok(*address);
    }
    let value = integer("--address", &text)?;
    allowed
        .iter()
        .map(|(address, _)| *address)
        .find(|address| i64::from(*address) == value)
        .ok_or_else(|| {
            let list: Vec<String> = allowed
                .iter()
                .map(|(address, name)| match name {
                    &"" => format!("{address:#04x}"),
                    name => format!("{address:#04x} ({name})"),
                })
                .collect();
            UsageError(format!(
                "--address: {text} is not one of {}",
                list.join(", ")
            ))
        })
}

/// Parses `--watch SECONDS` (fractions allowed, more than 0, at most a day).
pub fn interval(text: Option<String>) -> Result<Option<Duration>, UsageError> {
    let Some(text) = text else { return Ok(None) };
    let seconds: f64 = text
        .parse()
        .map_err(|_| UsageError(format!("--watch: {text:?} is not a number of seconds")))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(UsageError(format!(
            "--watch: {text} seconds is not allowed: give more than 0 and at most 86400 \
             (one day); without --watch the reading is taken once"
        )));
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// Parses `--count N` (1 or more).
pub fn count(text: Option<String>) -> Result<Option<u64>, UsageError> {
    let Some(text) = text else { return Ok(None) };
    let value = integer("--count", &text)?;
    u64::try_from(value)
        .ok()
        .filter(|count| *count > 0)
        .map(Some)
        .ok_or_else(|| UsageError(format!("--count: {text} is not a positive number")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Args {
        Args::new(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn values_in_every_spelling() {
        for words in [
            &["--bus", "3"][..],
            &["--bus=3"][..],
            &["-b", "3"][..],
            &["-b", "1", "--bus", "3"][..],
            &["-b3"][..],
        ] {
            let mut args = args(words);
            assert_eq!(
                args.value("--bus", Some("-b")).ok().flatten().as_deref(),
                Some("3")
            );
            assert!(args.positional().expect("nothing left").is_empty());
        }
        assert!(args(&["--bus"]).value("--bus", None).is_err());
    }

    #[test]
    fn unknown_flags_are_refused_and_double_dash_ends_flags() {
        assert!(args(&["--bogus"]).positional().is_err());
        let negative = args(&["-12"])
            .positional()
            .expect_err("an option to the parser");
        assert!(negative.0.contains("-- -12"), "{}", negative.0);
        // A long flag is never read as a short one with a value attached.
        assert_eq!(
            args(&["--b3"]).value("--bus", Some("-b")).ok().flatten(),
            None
        );
        assert_eq!(
            args(&["--", "-12"]).positional().expect("text"),
            vec!["-12".to_string()]
        );
    }

    #[test]
    fn numbers_addresses_and_intervals() {
        assert_eq!(integer("x", "0x39").ok(), Some(0x39));
        assert_eq!(integer("x", "57").ok(), Some(57));
        assert!(integer("x", "fifty").is_err());
        let allowed = [(0x29, "low"), (0x39, "float"), (0x49, "high")];
        assert_eq!(address(None, 0x39, &allowed).ok(), Some(0x39));
        assert_eq!(
            address(Some("HIGH".into()), 0x39, &allowed).ok(),
            Some(0x49)
        );
        assert_eq!(
            address(Some("0x29".into()), 0x39, &allowed).ok(),
            Some(0x29)
        );
        assert!(address(Some("0x30".into()), 0x39, &allowed).is_err());
        assert_eq!(bus(Some("0".into())).ok(), Some(0));
        assert!(bus(Some("-1".into())).is_err());
        assert_eq!(
            interval(Some("0.5".into())).ok().flatten(),
            Some(Duration::from_millis(500))
        );
        for bad in ["0", "-1", "nan", "1e9", "soon"] {
            assert!(interval(Some(bad.into())).is_err(), "{bad}");
        }
        let zero = interval(Some("0".into())).expect_err("0 s");
        assert!(zero.0.contains("more than 0"), "{}", zero.0);
        assert!(count(Some("0".into())).is_err());
    }
}
