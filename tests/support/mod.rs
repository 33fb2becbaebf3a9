//! What the binary-driving test suites share: the repository root and a way to run `sumoql`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root, where queries and sample logs live.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The text of a command's output bytes.
#[allow(dead_code)] // each suite compiles this module; not every suite reads output as text
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An empty scratch folder named `name`, of this test suite and process alone.
#[allow(dead_code)] // not every suite writes files
pub fn scratch(name: &str) -> PathBuf {
    let suite = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.file_stem()?.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("sumoql-{suite}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// Runs the `sumoql` binary from the repository root with `args`, feeding `stdin`, colour off.
pub fn sumoql(args: &[&str], stdin: &str) -> Output {
    sumoql_with(args, stdin.as_bytes(), &[("NO_COLOR", Some("1"))])
}

/// Runs the `sumoql` binary from the repository root with `args`, feeding `stdin`, with the
/// environment variables of `env` set (`Some`) or removed (`None`).
pub fn sumoql_with(args: &[&str], stdin: &[u8], env: &[(&str, Option<&str>)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sumoql"));
    command
        .args(args)
        .current_dir(repo_root())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let mut child = command.spawn().expect("start sumoql");
    let written = child.stdin.take().expect("stdin is piped").write_all(stdin);
    // A query error ends the binary before it reads its input: a broken pipe is expected then.
    if let Err(error) = written {
        assert_eq!(
            error.kind(),
            std::io::ErrorKind::BrokenPipe,
            "write stdin: {error}"
        );
    }
    child.wait_with_output().expect("run sumoql")
}
