// "Follow the chair" in the viewer: a delegate who turns it on sees the document and page
// that the chair or secretary presents; whoever runs the room can present the page they are
// on. The choice to follow lasts for the tab (sessionStorage), across documents.
import { connect } from "./live.js";

const box = document.getElementById("viewer-follow");
const viewer = document.getElementById("viewer");
const meetingId = Number(box.dataset.meetingId);
const documentId = Number(box.dataset.documentId);
const followKey = `ecabinet-follow-${meetingId}`;
const followButton = box.querySelector('[data-action="follow"]');
const presentButton = box.querySelector('[data-action="present"]');
const socket = connect("/live");
let following = sessionStorage.getItem(followKey) === "1";
let presenting = false;
let pendingPage = null;
let lastSent = null;

function label(button, on, offText, onText) {
  button.setAttribute("aria-pressed", String(on));
  button.textContent = on ? onText : offText;
  button.classList.toggle("primary", on);
}

function showButtons() {
  label(followButton, following, box.dataset.lFollow, box.dataset.lFollowing);
  label(presentButton, presenting, box.dataset.lPresent, box.dataset.lPresenting);
}

function goToPage(page) {
  if (!page) return;
  if (viewer.dataset.viewerReady === "1") {
    viewer.dispatchEvent(new CustomEvent("viewer:goto", { detail: { page } }));
  } else {
    pendingPage = page;
  }
}

function follow(state) {
  const shown = state && state.presenting;
  if (!following || presenting || !shown || !shown.document_id) return;
  if (shown.document_id !== documentId) {
    const url = box.dataset.viewerUrl.replace(/0$/, String(shown.document_id));
    window.location.assign(`${url}#page=${shown.page || 1}`);
  } else {
    goToPage(shown.page);
  }
}

let presentTimer = null;
function present(page) {
  // Scrolling passes many pages: the room is told the one the presenter settles on.
  clearTimeout(presentTimer);
  presentTimer = setTimeout(() => {
    if (!presenting || page === lastSent) return;
    lastSent = page;
    socket.emit("present", { meeting_id: meetingId, document_id: documentId, page });
  }, 400);
}

function join() {
  socket.emit("room_join", { meeting_id: meetingId }, (state) => {
    if (!state || state.error) return; // no room for this reader: the tools stay hidden
    box.hidden = false;
    presentButton.hidden = !(state.me && state.me.can_run);
    showButtons();
    follow(state);
  });
}

viewer.addEventListener("viewer:ready", () => { if (pendingPage) goToPage(pendingPage); });
viewer.addEventListener("viewer:page", (event) => present(event.detail.page));
followButton.addEventListener("click", () => {
  following = !following;
  sessionStorage.setItem(followKey, following ? "1" : "0");
  showButtons();
  if (following) join(); // catch up with what is presented now
});
presentButton.addEventListener("click", () => {
  presenting = !presenting;
  lastSent = null;
  showButtons();
  if (presenting) present(Number(viewer.dataset.currentPage) || 1);
});
socket.on("room", (state) => { if (state.meeting_id === meetingId) follow(state); });
socket.on("connect", join);
if (socket.connected) join();
