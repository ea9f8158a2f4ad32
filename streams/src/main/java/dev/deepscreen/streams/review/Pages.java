package dev.deepscreen.streams.review;

import dev.deepscreen.avro.ModerationAction;
import dev.deepscreen.avro.Verdict;
import java.util.List;

/** The login, queue and message pages, and the layout every page shares. */
final class Pages {
  private Pages() {}

  static final String STYLE = """
      body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
      header{background:#1f2933;color:#fff;padding:.6em 1em;display:flex;gap:1em;align-items:center}
      header a{color:#fff} header form{margin-left:auto} main{padding:1em 1.5em;max-width:1200px}
      table{border-collapse:collapse;margin:.5em 0} td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}
      th{background:#eef} .tabs a{margin-right:1em} .tabs a.current{font-weight:bold}
      .error{color:#a00;font-weight:bold} .notice{color:#735c0f}
      .frames{display:flex;flex-wrap:wrap;gap:1em} figure{margin:0;background:#fff;padding:.5em;border:1px solid #ddd}
      .frame{position:relative;display:inline-block;max-width:560px} .frame img{display:block;max-width:560px;width:100%}
      .frame svg.overlay{position:absolute;left:0;top:0;width:100%;height:100%;pointer-events:none}
      .frame svg.overlay rect.face{fill:none;stroke:#e00000}
      svg.timeline{width:100%;max-width:720px;background:#fff;border:1px solid #ddd}
      svg.timeline .axis{stroke:#555} svg.timeline .half{stroke:#c88;stroke-dasharray:4}
      svg.timeline .series{fill:none;stroke:#246} svg.timeline .point{fill:#246} svg.timeline .shown{fill:#c00}
      svg.timeline text{font-size:11px;fill:#555} kbd{border:1px solid #999;border-radius:3px;padding:0 .3em}
      .decide button{font-size:1.1em;margin-right:.5em} textarea{width:40em;max-width:100%}
      """;

  /** A whole page; {@code nonce} lets the page's own style and script run (see the CSP). */
  static String layout(String title, String nonce, String user, String csrf, String body) {
    StringBuilder page = new StringBuilder(8192);
    page.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>").append(Html.text(title)).append(" - Deepscreen review</title>")
        .append("<style nonce=\"").append(nonce).append("\">").append(STYLE).append("</style>")
        .append("</head><body><header><strong>Deepscreen review</strong>");
    if (user != null) {
      page.append("<a href=\"/queue\">Queue</a><span id=\"reviewer\">").append(Html.text(user))
          .append("</span><form method=\"post\" action=\"/logout\">")
          .append(csrfField(csrf)).append("<button type=\"submit\">Log out</button></form>");
    }
    return page.append("</header><main>").append(body).append("</main></body></html>")
        .toString();
  }

  static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + Html.text(csrf) + "\">";
  }

  static String login(String nonce, String csrf, String error) {
    StringBuilder body = new StringBuilder("<h1>Log in</h1>");
    if (error != null) {
      body.append("<p class=\"error\" id=\"error\">").append(Html.text(error)).append("</p>");
    }
    body.append("<form method=\"post\" action=\"/login\">").append(csrfField(csrf))
        .append("<p><label>Reviewer <input name=\"user\" id=\"user\" autocomplete=\"username\"")
        .append(" required></label></p><p><label>Password <input type=\"password\"")
        .append(" name=\"password\" id=\"password\" autocomplete=\"current-password\" required>")
        .append("</label></p><p><button type=\"submit\" id=\"login\">Log in</button></p></form>");
    return layout("Log in", nonce, null, csrf, body.toString());
  }

  /** What a login refused by the {@link LoginThrottle} says, the wait in whole minutes. */
  static String tooManyFailedLogins(java.time.Duration wait) {
    long minutes = Math.max(1, (wait.toMillis() + 59_999) / 60_000);
    return "Too many failed logins; try again in " + minutes
        + (minutes == 1 ? " minute" : " minutes");
  }

  static String message(String nonce, String user, String csrf, String title, String text) {
    return layout(title, nonce, user, csrf, "<h1>" + Html.text(title) + "</h1><p class=\"error\""
        + " id=\"message\">" + Html.text(text) + "</p><p><a href=\"/queue\">Back to the queue</a>"
        + "</p>");
  }

  /**
   * The queue: tabs per verdict action with the count of undecided cases, the decided cases,
   * a search over video and event ids, and the cases oldest first.
   *
   * @param action the tab shown, or null for the decided cases
   */
  static String queue(String nonce, String user, String csrf, CaseIndex.Counts counts,
      ModerationAction action, String search, List<Verdict> cases, boolean caughtUp,
      String followFailure) {
    StringBuilder body = new StringBuilder("<h1>Cases</h1>");
    if (followFailure != null) {
      body.append("<p class=\"error\">The server stopped reading the topics: ")
          .append(Html.text(followFailure)).append("</p>");
    } else if (!caughtUp) {
      body.append("<p class=\"notice\" id=\"loading\">Still reading the verdicts and decisions;")
          .append(" the queue is not complete yet.</p>");
    }
    body.append("<nav class=\"tabs\">");
    for (ModerationAction tab : List.of(ModerationAction.REVIEW, ModerationAction.BLOCK,
        ModerationAction.ALLOW)) {
      body.append(tab(tab.name(), "/queue?action=" + tab.name(), tab == action,
          counts.pending().get(tab)));
    }
    body.append(tab("Decided", "/queue?action=DECIDED", action == null, counts.decided()))
        .append("</nav>");
    body.append("<form method=\"get\" action=\"/queue\"><input type=\"hidden\" name=\"action\"")
        .append(" value=\"").append(action == null ? "DECIDED" : action.name()).append("\">")
        .append("<input name=\"q\" id=\"search\" placeholder=\"video or event id\" value=\"")
        .append(Html.text(search == null ? "" : search)).append("\"> <button type=\"submit\">")
        .append("Search</button></form>");
    if (cases.isEmpty()) {
      return layout("Queue", nonce, user, csrf, body.append("<p id=\"empty\">No cases.</p>")
          .toString());
    }
    body.append("<table id=\"cases\"><tr><th>Submitted</th><th>Video</th><th>Probability</th>")
        .append("<th>Action</th><th>Status</th><th>Faces</th></tr>");
    for (Verdict v : cases) {
      body.append("<tr><td>").append(Html.time(v.getSubmittedAt())).append("</td><td><a class=")
          .append("\"case\" href=\"/cases/").append(Html.url(v.getEventId().toString()))
          .append("\">").append(Html.text(v.getVideoId())).append("</a></td><td>")
          .append(Html.probability(v.getProbability())).append("</td><td>")
          .append(v.getAction()).append("</td><td>").append(v.getStatus()).append("</td><td>")
          .append(v.getFacesScored()).append('/').append(v.getFacesExpected())
          .append("</td></tr>");
    }
    return layout("Queue", nonce, user, csrf, body.append("</table>").toString());
  }

  private static String tab(String name, String href, boolean current, int count) {
    return "<a href=\"" + href + "\" id=\"tab-" + name + "\"" + (current ? " class=\"current\"" : "")
        + ">" + name + " (<span class=\"count\">" + count + "</span>)</a>";
  }
}
