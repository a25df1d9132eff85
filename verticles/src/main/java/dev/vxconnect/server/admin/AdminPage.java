package dev.vxconnect.server.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The admin page: the cluster listing of {@link AdminServer} as plain HTML tables (no script). */
final class AdminPage {

  private AdminPage() {}

  static String render(JsonObject listing) {
    StringBuilder html = new StringBuilder(4096);
    JsonArray sessions = listing.getJsonArray("sessions");
    html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>vxconnect ")
        .append(escape(listing.getString("instance")))
        .append("</title>\n<style>")
        .append("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}")
        .append(
            "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}")
        .append("th{background:#f3f3f3}code{font-size:90%}</style></head><body>\n")
        .append("<h1>vxconnect cluster, as instance <code>")
        .append(escape(listing.getString("instance")))
        .append("</code> sees it</h1>\n<p><span id=\"session-count\">")
        .append(sessions.size())
        .append("</span> live session(s). <a href=\"/admin/sessions\">JSON</a> · ")
        .append("<a href=\"/metrics\">metrics</a></p>\n<ul id=\"instances\">");
    JsonArray instances = listing.getJsonArray("instances", new JsonArray());
    for (int i = 0; i < instances.size(); i++) {
      JsonObject instance = instances.getJsonObject(i);
      html.append("<li class=\"instance\"><code>")
          .append(escape(instance.getString("instance")))
          .append("</code>: ");
      if (instance.containsKey("error")) {
        html.append("<span class=\"error\">not answering: ")
            .append(escape(instance.getString("error")))
            .append("</span>");
      } else {
        html.append(instance.getInteger("sessions")).append(" session(s)");
      }
      html.append("</li>");
    }
    html.append("</ul>\n")
        .append("<table id=\"sessions\"><tr><th>session</th><th>user</th><th>instance</th>")
        .append("<th>age s</th><th>idle s</th><th>operations</th></tr>\n");
    for (int i = 0; i < sessions.size(); i++) {
      JsonObject s = sessions.getJsonObject(i);
      html.append("<tr class=\"session\"><td><code>")
          .append(escape(s.getString("sessionId")))
          .append("</code></td><td>")
          .append(escape(s.getString("userId")))
          .append("</td><td>")
          .append(escape(s.getString("instance")))
          .append("</td><td>")
          .append(s.getLong("ageMs") / 1000)
          .append("</td><td>")
          .append(s.getLong("idleMs") / 1000)
          .append("</td><td>");
      JsonArray ops = s.getJsonArray("operations");
      if (ops.isEmpty()) {
        html.append("none");
      } else {
        html.append(
            "<table><tr><th>operation</th><th>state</th><th>age s</th><th>buffered bytes</th><th>attached</th></tr>");
        for (int j = 0; j < ops.size(); j++) {
          JsonObject op = ops.getJsonObject(j);
          html.append("<tr class=\"operation\"><td><code>")
              .append(escape(op.getString("operationId")))
              .append("</code></td><td>")
              .append(escape(op.getString("state")))
              .append("</td><td>")
              .append(op.getLong("ageMs") / 1000)
              .append("</td><td>")
              .append(op.getLong("bufferedBytes"))
              .append("</td><td>")
              .append(op.getBoolean("attached") ? "yes" : "no")
              .append("</td></tr>");
        }
        html.append("</table>");
      }
      html.append("</td></tr>\n");
    }
    return html.append("</table>\n</body></html>\n").toString();
  }

  private static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
