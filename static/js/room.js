// The meeting room: the whole state comes from the server on joining and after every change,
// so a reload or a reconnect shows the same room. A ballot keeps its client token in
// localStorage until the server acknowledges it; a resend returns the original receipt.
import { connect } from "./live.js";

const app = document.getElementById("room-app");
const meetingId = Number(app.dataset.meetingId);
const L = app.dataset;
const socket = connect("/live");
const bound = (name) => app.querySelector(`[data-bind="${name}"]`);
let state = null;
let shownPoll = null; // "id:status" of the poll form on screen: never rebuilt while voting

function showError(message) {
  const box = bound("error");
  box.textContent = message ? `${L.lError} ${message}` : "";
  box.hidden = !message;
}

function send(event, data = {}) {
  return new Promise((resolve) => {
    socket.timeout(8000).emit(event, { meeting_id: meetingId, ...data }, (err, ack) => {
      if (err) { showError(L.lOffline); resolve(null); return; }
      if (ack && ack.error) { showError(ack.message); resolve(null); return; }
      showError("");
      resolve(ack);
    });
  });
}

function ballotKey(pollId) { return `ecabinet-ballot-${meetingId}-${pollId}`; }

function newToken() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function castBallot(poll, choices, { change = false } = {}) {
  const stored = change ? null : JSON.parse(localStorage.getItem(ballotKey(poll.id)) || "null");
  const ballot = stored || { token: newToken(), choices };
  localStorage.setItem(ballotKey(poll.id), JSON.stringify(ballot));
  const status = app.querySelector("[data-ballot-status]");
  if (status) status.textContent = L.lSent;
  const ack = await send("cast_ballot", { poll_id: poll.id, choices: ballot.choices, token: ballot.token });
  if (ack && status) status.textContent = `${L.lRecorded} ${ack.receipt}`;
  if (ack) {
    app.querySelector("[data-ballot-form] button[type=submit]")?.setAttribute("disabled", "");
    const again = app.querySelector("[data-change-ballot]");
    if (again) again.hidden = false;
  }
  return ack;
}

function renderPoll(poll, me) {
  const box = bound("poll");
  const key = poll ? `${poll.id}:${poll.status}` : "none";
  const progress = box.querySelector("[data-progress]");
  if (key === shownPoll) {
    if (progress && poll) progress.textContent = `${L.lVoted}: ${poll.voted}/${poll.eligible}`;
    return;
  }
  shownPoll = key;
  box.replaceChildren();
  if (!poll) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = L.lNoPoll;
    box.append(p);
    return;
  }
  const title = document.createElement("p");
  title.className = "room-question";
  title.textContent = poll.question;
  const kind = document.createElement("span");
  kind.className = "tag";
  kind.textContent = poll.kind === "secret" ? L.lSecret : L.lNamed;
  const count = document.createElement("p");
  count.dataset.progress = "";
  count.textContent = `${L.lVoted}: ${poll.voted}/${poll.eligible}`;
  box.append(title, kind, count);
  if (poll.status === "open" && poll.closes_at) {
    const clock = document.createElement("p");
    clock.className = "room-clock";
    clock.dataset.until = poll.closes_at;
    clock.dataset.prefix = L.lClosesIn;
    box.append(clock);
  }
  if (poll.status === "closed") {
    const result = document.createElement("p");
    result.className = poll.result && poll.result.passed ? "room-result passed" : "room-result";
    result.textContent = poll.result ? poll.result.explanation : "";
    const counts = document.createElement("ul");
    poll.choices.forEach((label, index) => {
      const li = document.createElement("li");
      li.textContent = `${label}: ${poll.result ? poll.result.counts[index] : 0}`;
      counts.append(li);
    });
    const record = document.createElement("a");
    record.className = "button";
    record.href = app.dataset.votesPdf;
    record.textContent = L.lVotesPdf;
    box.append(result, counts, record);
    return;
  }
  const form = document.createElement("form");
  form.dataset.ballotForm = "";
  const fieldset = document.createElement("fieldset");
  const legend = document.createElement("legend");
  legend.className = poll.max_choices > 1 ? "" : "visually-hidden";
  legend.textContent = poll.max_choices > 1
    ? L.lPickUpTo.replace("{n}", String(poll.max_choices)) : poll.question;
  fieldset.append(legend);
  poll.choices.forEach((label, index) => {
    const option = document.createElement("label");
    option.className = "check room-choice";
    const input = document.createElement("input");
    input.type = poll.max_choices > 1 ? "checkbox" : "radio";
    input.name = "choice";
    input.value = String(index);
    option.append(input, ` ${label}`);
    fieldset.append(option);
  });
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.className = "button primary";
  submit.textContent = L.lVote;
  const status = document.createElement("p");
  status.dataset.ballotStatus = "";
  status.setAttribute("role", "status");
  form.append(fieldset, submit, status);
  const chosen = () => [...form.querySelectorAll("input:checked")].map((i) => Number(i.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (chosen().length) castBallot(poll, chosen());
  });
  form.addEventListener("change", (event) => {
    // Never more ticks than the poll allows: the extra one is undone at once.
    if (event.target.type === "checkbox" && chosen().length > poll.max_choices) {
      event.target.checked = false;
    }
  });
  if (poll.allow_change) {
    const again = document.createElement("button");
    again.type = "button";
    again.className = "button";
    again.dataset.changeBallot = "";
    again.hidden = true;
    again.textContent = L.lChange;
    again.addEventListener("click", () => {
      if (chosen().length) castBallot(poll, chosen(), { change: true });
    });
    form.append(again);
  }
  box.append(form);
  if (me && me.can_vote_admin) {
    const close = document.createElement("button");
    close.type = "button";
    close.className = "button danger";
    close.textContent = L.lClosePoll;
    close.addEventListener("click", () => send("close_poll", { poll_id: poll.id }));
    box.append(close);
  }
  // A ballot sent before a reload or a dropped connection is sent again with its token.
  const pending = JSON.parse(localStorage.getItem(ballotKey(poll.id)) || "null");
  if (pending) {
    for (const input of form.querySelectorAll("input")) {
      input.checked = pending.choices.includes(Number(input.value));
    }
    castBallot(poll, pending.choices);
  } else if (me && me.voted) showCastElsewhere(form, me.ballot);
}

/** A ballot this person cast on another device (or before the browser forgot it): shown as
 * cast, with its choices and receipt where the poll is named; a secret ballot names nobody,
 * so its receipt is only on the device that sent it. */
function showCastElsewhere(form, ballot) {
  for (const input of form.querySelectorAll("input")) {
    input.checked = Boolean(ballot) && ballot.choices.includes(Number(input.value));
  }
  form.querySelector("button[type=submit]").setAttribute("disabled", "");
  const again = form.querySelector("[data-change-ballot]");
  if (again) again.hidden = false;
  form.querySelector("[data-ballot-status]").textContent = ballot
    ? `${L.lRecorded} ${ballot.receipt}` : L.lRecordedSecret;
}

function render(next) {
  if (next.server_time) clockSkew = Date.parse(next.server_time) - Date.now();
  const me = next.me || (state && state.me);
  state = { ...next, me };
  bound("status").textContent = state.ended ? L.lEnded : state.started ? L.lInProgress : L.lNotStarted;
  const q = state.quorum;
  const quorum = bound("quorum");
  quorum.textContent = `${q.reached ? L.lQuorumOk : L.lQuorumNo} (${q.present}/${q.in_office})`;
  quorum.classList.toggle("ok", q.reached);
  bound("item").textContent = state.item ? state.item.title : "—";
  for (const li of app.querySelectorAll("[data-item-id]")) {
    const isCurrent = Boolean(state.item) && Number(li.dataset.itemId) === state.item.id;
    li.classList.toggle("current", isCurrent);
    li.querySelector("button").hidden = !(me && me.can_run && state.started) || isCurrent;
  }
  const present = new Set(state.present_ids);
  for (const li of app.querySelectorAll("[data-user-id]")) {
    const here = present.has(Number(li.dataset.userId));
    const deputy = (state.represented || {})[li.dataset.userId];
    li.querySelector("[data-presence]").textContent = here ? L.lPresent
      : deputy ? L.lRepresented.replace("%s", deputy) : "";
    li.querySelector(".room-mark").hidden = !(me && me.can_run);
  }
  const checkIn = app.querySelector('[data-action="check-in"]');
  checkIn.hidden = !me || present.has(me.id);
  bound("chair-controls").hidden = !(me && me.can_run);
  app.querySelector('[data-action="start"]').hidden = state.started;
  app.querySelector('[data-action="end"]').hidden = !state.started;
  renderSpeakers(state, me);
  renderPoll(state.poll, me);
  if (next.waiting) showWaiting({ status: "open", waiting: next.waiting });
  else if (!state.poll || state.poll.status !== "open") showWaiting({ status: "closed", waiting: [] });
  tickClocks();
  bound("open-poll").hidden = !(me && me.can_vote_admin && state.started
                                && !(state.poll && state.poll.status === "open"));
}

function renderSpeakers(current, me) {
  const list = bound("speakers");
  list.replaceChildren();
  if (!current.speakers.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = L.lNoSpeakers;
    list.append(li);
  }
  for (const speaker of current.speakers) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = speaker.name;
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = speaker.status === "speaking" ? L.lSpeaking : L.lWaiting;
    li.append(name, tag);
    if (speaker.status === "speaking" && speaker.since) {
      const clock = document.createElement("span");
      clock.className = "room-clock";
      clock.dataset.since = speaker.since;
      if (speaker.limit_s) clock.dataset.limit = String(speaker.limit_s);
      li.append(clock);
    }
    if (me && me.can_run && speaker.status === "waiting") {
      const give = document.createElement("button");
      give.type = "button";
      give.className = "button small";
      give.textContent = L.lFloor;
      give.addEventListener("click", () => {
        const minutes = Number(bound("floor-minutes")?.value || 0);
        send("give_floor", { request_id: speaker.id, minutes: minutes || null });
      });
      li.append(give);
    }
    list.append(li);
  }
  const mine = me && current.speakers.some((s) => s.user_id === me.id);
  app.querySelector('[data-action="ask"]').hidden = !current.started || mine;
  app.querySelector('[data-action="withdraw"]').hidden = !mine;
  bound("floor-limit").hidden = !(me && me.can_run);
  app.querySelector('[data-action="end-floor"]').hidden =
    !(me && me.can_run && current.speakers.some((s) => s.status === "speaking"));
}

// Clocks tick on every screen from times the server sent: a speaker's turn counts up (red
// past its limit), a timed vote counts down. The server's clock decides; this only shows it.
const two = (n) => String(n).padStart(2, "0");
const mmss = (seconds) => `${two(Math.floor(seconds / 60))}:${two(Math.floor(seconds % 60))}`;
let clockSkew = 0; // server time minus this device's time, from the last snapshot

function tickClocks() {
  const now = Date.now() + clockSkew;
  for (const clock of document.querySelectorAll(".room-clock")) {
    if (clock.dataset.since) {
      const spoken = Math.max(0, (now - Date.parse(clock.dataset.since)) / 1000);
      const limit = Number(clock.dataset.limit || 0);
      clock.textContent = limit ? `${mmss(spoken)} / ${mmss(limit)}` : mmss(spoken);
      clock.classList.toggle("over", Boolean(limit) && spoken > limit);
    } else if (clock.dataset.until) {
      const left = Math.max(0, (Date.parse(clock.dataset.until) - now) / 1000);
      clock.textContent = `${clock.dataset.prefix || ""} ${mmss(left)}`.trim();
    }
  }
}
setInterval(tickClocks, 1000);

async function join() {
  const snapshot = await send("room_join");
  if (snapshot) render(snapshot);
  document.documentElement.dataset.roomReady = "1";
}

socket.on("connect", join);
if (socket.connected) join();
socket.on("room", (snapshot) => { if (snapshot.meeting_id === meetingId) render(snapshot); });
// While ballots pour in the server sends only the count (and, to the console, who is still to
// vote): the ballot form on screen is never rebuilt by it.
socket.on("poll_progress", (progress) => {
  if (progress.meeting_id !== meetingId || !state || !state.poll) return;
  if (state.poll.id !== progress.poll_id) return;
  state.poll.voted = progress.voted;
  const shown = app.querySelector("[data-progress]");
  if (shown) shown.textContent = `${L.lVoted}: ${progress.voted}/${progress.eligible}`;
});
// This person voted on another device: the form on screen shows it at once, as a reload would.
socket.on("ballot_cast", (cast) => {
  if (cast.meeting_id !== meetingId || !state || !state.poll || state.poll.id !== cast.poll_id) return;
  state.me = { ...state.me, voted: true, ballot: cast.ballot };
  const form = app.querySelector("[data-ballot-form]");
  if (form) showCastElsewhere(form, cast.ballot);
});
function showWaiting(progress) {
  const box = bound("waiting");
  box.hidden = progress.status !== "open" || !progress.waiting.length;
  box.querySelector("[data-waiting-names]").textContent = progress.waiting.join(", ");
}
socket.on("poll_waiting", (progress) => { if (progress.meeting_id === meetingId) showWaiting(progress); });

app.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "check-in") render((await send("check_in")) || state);
  else if (action === "start") send("start_meeting");
  else if (action === "end" && window.confirm(L.lEndConfirm)) send("end_meeting");
  else if (action === "take") send("take_item", { item_id: Number(button.dataset.item) });
  else if (action === "ask") send("ask_to_speak");
  else if (action === "withdraw") send("withdraw_request");
  else if (action === "end-floor") send("end_floor");
  else if (action === "mark") {
    send("mark_attendance", { user_id: Number(button.dataset.user), presence: button.dataset.presence });
  }
});

bound("open-poll").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const choices = form.choices.value.split("\n").map((c) => c.trim()).filter(Boolean);
  send("open_poll", {
    question: form.question.value.trim(),
    kind: form.kind.value,
    majority: form.majority.value,
    choices: choices.length ? choices : null,
    max_choices: Number(form.max_choices.value) || 1,
    minutes: form.minutes.value ? Number(form.minutes.value) : null,
    allow_change: form.allow_change.checked,
    override_quorum: form.override_quorum.checked,
    item_id: state && state.item ? state.item.id : null,
  }).then((ack) => { if (ack) form.reset(); }); // on a refusal the chair's input stays
});
