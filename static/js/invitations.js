// The secretariat's answers panel: follow the answers live over /live and redraw the counts
// and the list. Without JavaScript the panel still shows the answers as of the page load.
import { connect } from "./live.js";

const panel = document.getElementById("invitations");
if (panel) {
  const meetingId = Number(panel.dataset.meetingId);
  const labels = panel.dataset;
  const socket = connect(document.body.dataset.live || "/live");
  const watch = () => socket.emit("invitations_watch", { meeting_id: meetingId }, (state) => {
    draw(state);
    panel.toggleAttribute("data-watching", !state?.error); // for the browser tests
  });
  socket.on("connect", watch);
  if (socket.connected) watch();
  socket.on("invitations", draw);

  function cell(label, ...children) {
    const td = document.createElement("td");
    td.dataset.label = label;
    td.append(...children);
    return td;
  }

  function small(text) {
    const element = document.createElement("small");
    element.className = "muted";
    element.textContent = text;
    return element;
  }

  function draw(state) {
    if (!state || state.error || state.meeting_id !== meetingId) return;
    for (const [key, value] of Object.entries(state.counts)) {
      const count = panel.querySelector(`[data-count="${key}"]`);
      if (count) count.textContent = String(value);
    }
    const body = panel.querySelector("table.answers tbody");
    if (!body || !state.rows.length) return;
    const rows = state.rows.map((row) => {
      const tr = document.createElement("tr");
      tr.className = `answer-${row.answer || "none"}`;
      tr.dataset.userId = String(row.user_id);
      const name = [document.createTextNode(row.name)];
      if (row.position) name.push(document.createElement("br"), small(row.position));
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = labels[`label${(row.answer || "none").replace(/^./, (c) => c.toUpperCase())}`];
      const answer = [tag];
      if (row.answered_at) answer.push(document.createElement("br"), small(row.answered_at));
      const detail = [];
      if (row.deputy) detail.push(document.createTextNode(labels.labelDeputyName.replace("%s", row.deputy) + " "));
      if (row.reason) {
        const reason = document.createElement("span");
        reason.className = "reason";
        reason.textContent = row.reason;
        detail.push(reason);
      }
      if (!row.answer && row.reminded_at) detail.push(small(labels.labelReminded.replace("%s", row.reminded_at)));
      tr.append(cell(labels.labelName, ...name), cell(labels.labelAnswer, ...answer),
        cell(labels.labelDetail, ...detail));
      return tr;
    });
    body.replaceChildren(...rows);
  }
}
