// The live connection (Socket.IO over websockets); later pages subscribe to meeting rooms.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";

let socket = null;

export function connect(namespace) {
  if (socket) return socket;
  const status = document.getElementById("live-status");
  socket = io(namespace, { transports: ["websocket", "polling"] });
  const show = (online) => {
    if (!status) return;
    status.hidden = false;
    status.textContent = online ? status.dataset.online : status.dataset.offline;
    status.classList.toggle("offline", !online);
  };
  socket.on("connect", () => show(true));
  socket.on("disconnect", () => show(false));
  socket.on("connect_error", () => show(false));
  socket.on("notification", (note) => showNotification(note));
  return socket;
}

// A short notice from the server (a meeting published, an item opened); it fades after a while.
function showNotification(note) {
  const region = document.getElementById("notifications");
  if (!region || !note || !note.text) return;
  const item = document.createElement(note.url ? "a" : "div");
  item.className = "toast";
  item.textContent = note.text;
  if (note.url && note.url.startsWith("/")) item.href = note.url;
  region.append(item);
  setTimeout(() => item.remove(), 15000);
}
