//! Live reload's channel to the open pages: Server-Sent Events from serve's own origin
//! (Safari's CSP does not count `ws:` as `'self'`; SSE is plain HTTP). Every connection
//! first gets the current state, then each event as it happens; `retry` makes the
//! browser reconnect within a second after a restart.

use std::io::Write;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, PoisonError};

/// The open event streams.
#[derive(Default)]
pub struct Hub {
    subscribers: Mutex<Vec<Sender<String>>>,
}

/// One event in the wire format: `event:` name and one `data:` line of JSON.
pub fn event(name: &str, data: &serde_json::Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

impl Hub {
    pub fn subscribe(&self) -> Receiver<String> {
        let (tx, rx) = channel();
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tx);
        rx
    }

    /// Sends to every open stream; streams whose page went away are dropped.
    pub fn broadcast(&self, event: String) {
        self.subscribers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|tx| tx.send(event.clone()).is_ok());
    }
}

/// Writes an event stream until the client goes away: the response head, the retry
/// delay, `first` (the current state), then every event of `events`.
pub fn stream(mut writer: Box<dyn Write + Send>, first: String, events: Receiver<String>) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\nretry: 1000\n\n";
    if writer.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut next = Some(first);
    while let Some(event) = next {
        if writer.write_all(event.as_bytes()).is_err() || writer.flush().is_err() {
            return;
        }
        next = events.recv().ok();
    }
}
