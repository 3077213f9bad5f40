#!/usr/bin/env python3
"""Check a `touchlog report` HTML page.

    python3 Tools/check_report.py REPORT.html [--expect-charts N]

Checks that the page parses with html.parser with every non-void element closed in order, loads
nothing from outside (no http(s) URLs, src=, url(), <script>, <link>, @import), that every <svg>
starts with a non-empty <title>, and that every chart section (section.chart) has a non-empty
takeaway paragraph. Prints a one-line summary; exits 1 listing every problem.
"""
import argparse, re, sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# SVG elements the renderer writes self-closed.
SELF_CLOSED = {"line", "rect", "polyline", "polygon", "circle", "path"}


class Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []
        self.svgs = self.svg_titles = 0
        self.expect_title = False
        self.sections = []  # [id, is_gap, takeaway text]
        self.in_takeaway = False

    def handle_starttag(self, tag, attrs):
        self.start(tag, attrs)
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.start(tag, attrs)
        if tag not in SELF_CLOSED and tag not in VOID:
            self.problems.append(f"<{tag}/> self-closed at line {self.getpos()[0]}")

    def start(self, tag, attrs):
        attributes = dict(attrs)
        if self.expect_title and tag != "title":
            self.problems.append(f"<svg> #{self.svgs} does not start with <title> (found <{tag}>)")
        if tag == "title" and self.expect_title:
            self.svg_titles += 1
        self.expect_title = False
        if tag == "svg":
            self.svgs += 1
            self.expect_title = True
        if tag in ("script", "link", "iframe", "img", "object", "embed"):
            self.problems.append(f"<{tag}> is not allowed in a self-contained report")
        for name, value in attrs:
            if name in ("src", "href") and value and not value.startswith("#"):
                self.problems.append(f"<{tag} {name}={value!r}> points outside the page")
        classes = (attributes.get("class") or "").split()
        if tag == "section" and "chart" in classes:
            self.sections.append([attributes.get("id", "?"), "gap" in classes, ""])
        if tag == "p" and "takeaway" in classes:
            self.in_takeaway = True

    def handle_endtag(self, tag):
        if tag == "p":
            self.in_takeaway = False
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} does not close {self.stack[-1] if self.stack else 'anything'}")
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.in_takeaway and self.sections:
            self.sections[-1][2] += data
        if self.stack and self.stack[-1][0] == "title" and self.svgs and not data.strip():
            self.problems.append(f"<svg> #{self.svgs} has an empty <title>")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("--expect-charts", type=int, default=0, help="fail when fewer <svg> charts are drawn")
    args = parser.parse_args()
    text = open(args.report, encoding="utf-8").read()
    checker = Checker()
    checker.feed(text)
    checker.close()
    problems = checker.problems
    if checker.stack:
        problems.append(f"unclosed elements: {checker.stack[-5:]}")
    for pattern, what in [(r"https?://", "an http(s) URL"), (r"url\(", "a CSS url()"), (r"@import", "a CSS @import")]:
        if re.search(pattern, text):
            problems.append(f"the page contains {what}")
    if checker.svg_titles != checker.svgs:
        problems.append(f"{checker.svgs - checker.svg_titles} <svg> without a <title>")
    for identifier, is_gap, takeaway in checker.sections:
        if not takeaway.strip():
            problems.append(f"section {identifier} has no takeaway")
    if checker.svgs < args.expect_charts:
        problems.append(f"only {checker.svgs} charts drawn, expected at least {args.expect_charts}")
    gaps = [identifier for identifier, is_gap, _ in checker.sections if is_gap]
    if problems:
        print(f"{args.report}: {len(problems)} problems", file=sys.stderr)
        for problem in problems:
            print("  " + problem, file=sys.stderr)
        sys.exit(1)
    print(f"{args.report}: {len(text) // 1024} KB, {len(checker.sections)} sections, {checker.svgs} charts, all titled, "
          f"all with a takeaway; gaps: {', '.join(gaps) or 'none'}")


if __name__ == "__main__":
    main()
