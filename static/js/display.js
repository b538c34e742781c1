// The projector page: the room's state in large type, read-only; it follows the room's pushes.
import { connect } from "./live.js";

const body = document.body;
const L = body.dataset;
const meetingId = Number(body.dataset.meetingId);
const socket = connect("/live");
const bound = (name) => document.querySelector(`[data-bind="${name}"]`);
let speakingSince = null;
let speakingLimit = 0;
let pollUntil = null;
let clockSkew = 0; // server time minus this screen's time

function render(state) {
  if (state.server_time) clockSkew = Date.parse(state.server_time) - Date.now();
  const q = state.quorum;
  bound("quorum").textContent = `${q.reached ? L.lQuorumOk : L.lQuorumNo} (${q.present}/${q.in_office})`;
  bound("quorum").classList.toggle("ok", q.reached);
  bound("item").textContent = state.item ? state.item.title : state.ended ? L.lEnded : L.lNotStarted;
  const speaker = state.speakers.find((s) => s.status === "speaking");
  bound("speaker-box").hidden = !speaker;
  bound("speaker").textContent = speaker ? speaker.name : "";
  speakingSince = speaker && speaker.since ? new Date(speaker.since) : null;
  speakingLimit = speaker && speaker.limit_s ? speaker.limit_s : 0;
  const poll = state.poll;
  pollUntil = poll && poll.closes_at ? new Date(poll.closes_at) : null;
  bound("poll-box").hidden = !poll;
  tick();
  if (!poll) return;
  bound("question").textContent = poll.question;
  bound("progress").textContent = `${L.lVoted}: ${poll.voted}/${poll.eligible}`;
  bound("result").textContent = poll.result ? poll.result.explanation : "";
  const counts = bound("counts");
  counts.replaceChildren();
  if (poll.result) {
    poll.choices.forEach((label, index) => {
      const li = document.createElement("li");
      li.textContent = `${label}: ${poll.result.counts[index]}`;
      counts.append(li);
    });
  }
}

const mmss = (seconds) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;

function tick() {
  const now = Date.now() + clockSkew;
  const timer = bound("timer");
  if (!speakingSince) {
    timer.textContent = "";
  } else {
    const seconds = Math.max(0, Math.floor((now - speakingSince.getTime()) / 1000));
    timer.textContent = speakingLimit ? `${mmss(seconds)} / ${mmss(speakingLimit)}` : mmss(seconds);
    timer.classList.toggle("over", Boolean(speakingLimit) && seconds > speakingLimit);
  }
  const countdown = bound("countdown");
  if (countdown) {
    const left = pollUntil ? Math.max(0, Math.floor((pollUntil.getTime() - now) / 1000)) : null;
    countdown.textContent = left === null ? "" : `${L.lClosesIn} ${mmss(left)}`;
  }
}

function join() {
  socket.emit("room_join", { meeting_id: meetingId }, (state) => {
    if (state && !state.error) render(state);
    document.documentElement.dataset.roomReady = "1";
  });
}

socket.on("connect", join);
if (socket.connected) join();
socket.on("room", (state) => { if (state.meeting_id === meetingId) render(state); });
socket.on("poll_progress", (progress) => {
  if (progress.meeting_id !== meetingId) return;
  bound("progress").textContent = `${L.lVoted}: ${progress.voted}/${progress.eligible}`;
});
setInterval(tick, 1000);
