//! Download in bounded memory: a local server sends a large file in 64 KiB chunks, and the
//! generated client reads it with `.stream()` and writes it with `.download(path)`. Prints a
//! table: bytes, time, throughput, and the process's peak resident memory (`VmHWM`), which
//! stays far below the file's size because no step holds the whole answer.
//!
//! Run with `cargo bench -p client-tests --bench download` (1 GiB); `cargo test` runs it on
//! 64 MiB and fails if the peak grows by as much as the file.

use std::time::Instant;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CHUNK: usize = 64 * 1024;

/// Serves `size` bytes to every connection, as chunks made on the fly.
async fn serve(size: u64) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else { continue };
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {size}\r\n\r\n"
                );
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; CHUNK];
                let mut left = size;
                while left > 0 {
                    let n = left.min(CHUNK as u64) as usize;
                    if socket.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n as u64;
                }
            });
        }
    });
    url
}

/// The process's peak resident memory so far, in bytes (Linux).
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let benchmark = std::env::args().any(|a| a == "--bench");
    let size: u64 = if benchmark { 1 << 30 } else { 64 << 20 };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let url = serve(size).await;
        let client = fixture_chat_stream::Client::builder().base_url(url).build().expect("a client");
        let before = peak_memory();
        println!("| how | bytes | time | throughput | peak memory |");
        println!("| --- | ---: | ---: | ---: | ---: |");

        let started = Instant::now();
        let mut chunks = client.files().download("big").stream();
        let mut received = 0u64;
        while let Some(chunk) = chunks.next().await {
            received += chunk.expect("a chunk").len() as u64;
        }
        let elapsed = started.elapsed();
        assert_eq!(received, size);
        let streamed_peak = peak_memory();
        let row = |how: &str, elapsed: std::time::Duration, peak: Option<u64>| {
            let rate = size as f64 / elapsed.as_secs_f64() / (1024.0 * 1024.0);
            let peak = peak.map_or_else(|| "unknown".to_owned(), mib);
            println!("| {how} | {} | {:.2} s | {rate:.0} MiB/s | {peak} |", mib(size), elapsed.as_secs_f64());
        };
        row("`.stream()`", elapsed, streamed_peak);

        let folder = std::env::temp_dir().join(format!("download-bench-{}", std::process::id()));
        std::fs::create_dir_all(&folder).expect("a scratch folder");
        let target = folder.join("big.bin");
        let started = Instant::now();
        let written = client.files().download("big").download(&target).await.expect("the download");
        let elapsed = started.elapsed();
        assert_eq!(written, size);
        assert_eq!(std::fs::metadata(&target).expect("the file").len(), size);
        let saved_peak = peak_memory();
        row("`.download(path)`", elapsed, saved_peak);
        let _ = std::fs::remove_dir_all(&folder);

        if let (Some(before), Some(after)) = (before, saved_peak) {
            let growth = after.saturating_sub(before);
            println!("\npeak memory grew by {} while {} went through", mib(growth), mib(2 * size));
            assert!(growth < size / 2, "the download was held in memory: the peak grew by {}", mib(growth));
        }
    });
}
