//! A small tokio server on 127.0.0.1 that writes a response in the chunks a test chooses
//! (split mid-line, mid-character, mid-CRLF), pauses between them, and keeps the requests
//! it read. Shared by the stream tests (`crate::support::loopback`).

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does on one connection.
#[derive(Clone)]
pub enum Step {
    Write(Vec<u8>),
    Pause(Duration),
}

pub fn write(text: impl AsRef<[u8]>) -> Step {
    Step::Write(text.as_ref().to_vec())
}

pub fn pause(millis: u64) -> Step {
    Step::Pause(Duration::from_millis(millis))
}

pub const EVENT_STREAM_HEAD: &str = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";

/// A server that answers the n-th connection with the n-th script (the last one again after
/// that), each step flushed on its own with a pause before the next write so that the client
/// reads it as a separate chunk. Returns its base URL and the requests it read.
pub async fn serve(scripts: Vec<Vec<Step>>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    tokio::spawn(async move {
        let mut index = 0;
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let script = scripts[index.min(scripts.len() - 1)].clone();
            index += 1;
            let seen = seen.clone();
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                seen.lock().unwrap().push(request);
                for step in script {
                    match step {
                        Step::Write(bytes) => {
                            if socket.write_all(&bytes).await.is_err() {
                                return;
                            }
                            let _ = socket.flush().await;
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                        Step::Pause(wait) => tokio::time::sleep(wait).await,
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (url, requests)
}

/// The request head and body, as text.
pub async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(read) = socket.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        bytes.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if bytes.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
