//! Inputs that once crashed the process, sent to a child server so a crash fails one test only.

use super::*;

/// A `pledge-api serve` of its own, in a child process, for documents that have crashed the server:
/// a regression then fails one test instead of aborting the whole suite.
struct ChildServer {
    child: std::process::Child,
    url: String,
    _dir: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl ChildServer {
    fn start() -> Self {
        use std::io::{BufRead, BufReader};
        let dir = std::env::temp_dir().join(format!("pledge-hostile-{}", Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pledge-api"))
            .arg("serve")
            .env("DATABASE_URL", format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()))
            .env("PLEDGE_BIND", "127.0.0.1:0")
            .env("PLEDGE_ENV", "development")
            .env("PLEDGE_RATE_LIMIT_ADDRESS", "off")
            .env("PLEDGE_RATE_LIMIT_TOKEN", "off")
            .env("RUST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start pledge-api");
        let stdout = child.stdout.take().expect("stdout");
        let url = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                // The first address printed is the server's (its board); GraphQL is at /graphql there.
                let host = line.split_whitespace().find_map(|word| word.strip_prefix("http://"))?;
                Some(format!("http://{}/graphql", host.split('/').next().unwrap_or_default()))
            })
            .expect("the server prints its address");
        Self { child, url, _dir: TempDir(dir) }
    }

    fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each document to a fresh child server and reports those that kill it or are not refused with
/// `expected`.
async fn crash_candidates(expected: &str, documents: Vec<(String, String)>) {
    let client = reqwest::Client::new();
    let mut failures = Vec::new();
    for (what, document) in documents {
        let mut server = ChildServer::start();
        let request = client.post(&server.url).json(&json!({ "query": document }));
        let answer = send(request, &what).await.and_then(|answer| refused(&answer, &what, expected));
        tokio::time::sleep(Duration::from_millis(100)).await;
        if !server.alive() {
            failures.push(format!("{what}: the server process died ({} bytes)", document.len()));
        } else if let Err(failure) = answer {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn brackets_hidden_after_a_block_string_do_not_crash_the_server() {
    // A block string with a lone `"` inside: a scanner that reads `"""` as three one-quote strings thinks
    // everything after it is inside a string, and lets the brackets that follow reach the parser.
    // The documents nest more than `MAX_TEXT_NESTING` deep, so each must be refused as LIMIT_EXCEEDED;
    // from about 2,000 levels a release build's parser overflows the stack of its worker and the
    // process aborts.
    let hidden = |n: usize| {
        format!(
            "{{ wards(after: \"\"\"x\"y\"\"\", first: {}{}) {{ totalCount }} }}",
            "[".repeat(n),
            "]".repeat(n)
        )
    };
    crash_candidates(
        "LIMIT_EXCEEDED",
        vec![
            ("100 `[` after \"\"\"x\"y\"\"\"".into(), hidden(100)),
            ("3,000 `[` after \"\"\"x\"y\"\"\"".into(), hidden(3_000)),
            ("100k `[` after \"\"\"x\"y\"\"\"".into(), hidden(100_000)),
            (
                "5,000 `{` after an escaped block quote".into(),
                format!(
                    "{{ a(b: \"\"\" \\\"\"\" \"\"\", c: {}1{}) }}",
                    "{a: ".repeat(5_000),
                    "}".repeat(5_000)
                ),
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_long_chain_of_fragments_does_not_crash_the_server() {
    // Each fragment spreads the next: checking the limits recursively walks the whole chain.
    let chain = |n: usize| {
        let fragments: String =
            (0..n).map(|i| format!("fragment f{i} on Query {{ ...f{} }}\n", i + 1)).collect();
        format!("{{ ...f0 }}\n{fragments}fragment f{n} on Query {{ __typename }}")
    };
    crash_candidates(
        "LIMIT_EXCEEDED",
        vec![
            ("a chain of 1,000 fragments".into(), chain(1_000)),
            ("a chain of 8,000 fragments".into(), chain(8_000)),
            ("a chain of 20,000 fragments".into(), chain(20_000)),
        ],
    )
    .await;
}
