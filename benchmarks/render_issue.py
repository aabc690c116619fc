"""Benchmark: `manage.py render_issue` against bare WeasyPrint on the very same HTML, per variant.

    .venv/bin/python benchmarks/render_issue.py [--pages 20 40] [--runs 3] [--variants screen print]

Builds realistic issues of about 20 and 40 A4 pages in a scratch database: the demo bundle
(docs/demo-bundle) plus generated articles whose Chinese text is recombined from the demo's own
sentences, with subheadings, lists, tables, quotes and figures. Then, each in a fresh process so
that start-up, imports and font loading count for both:

- ours: `manage.py render_issue SLUG NUMBER --pdf FILE` (Django start-up, database, glyph check
  against the fonts, HTML, WeasyPrint in a time-limited child, PDF check, atomic replace);
- bare: `weasyprint.HTML(filename=...).write_pdf(...)` on the HTML our renderer produced, with
  the same variant options: ``pdf_variant="pdf/a-2a"`` for screen, ``"pdf/x-4"`` for print (its
  HTML carries the same CMYK colours and output profile), ``pdf_identifier=True``.

Variants: screen (PDF/A-2a + PDF/UA-1: tagged, our XMP, artifacts) and print (PDF/X-4: the end
matter rendered after counting pages, slug and crop marks, output intent named).

Reports wall seconds, CPU seconds, seconds per page, peak RSS (of the process tree) and PDF
size, medians of --runs runs, and the ratio ours / bare. With --bare-fast-import, bare
WeasyPrint is also run importing WeasyPrint as ours does (without ctypes' library search, see
publishing/rendering/weasy.py): ``ratio*`` is ours against that. Not a test: figures depend on
the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "docs" / "demo-bundle"
PYTHON = sys.executable

TITLES = [
    "数字贸易规则演进与企业应对", "跨境电商海外仓布局的新趋势", "服务外包企业的数字化转型路径",
    "数据跨境流动管理的国际比较", "生成式人工智能与外包业务重塑", "RCEP 框架下的区域数字合作",
    "数字服务出口基地建设观察", "中小企业出海的合规要点", "智慧口岸与贸易便利化",
    "DEPA 模块化规则对我国的启示", "数字人民币在跨境支付中的应用", "东北亚数字贸易合作前景",
]
SUBHEADINGS = ["一、发展现状", "二、主要问题", "三、国际经验", "四、对策建议", "五、结语"]
AUTHORS = [["周文澜"], ["韩启明", "刘晓雯"], ["顾晓岚"], ["陈立新"], ["王海燕", "赵明"]]


@dataclass
class Measure:
    seconds: float
    cpu_seconds: float  # user + system of the process and its children: steadier on a busy host
    peak_rss_mb: float
    pdf_bytes: int
    pages: int


def run_measured(command: list[str], env: dict, output: Path) -> Measure:
    """Wall time and peak RSS (wait4 includes waited-for grandchildren) of one fresh process."""
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    info = subprocess.run(["pdfinfo", str(output)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    return Measure(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   output.stat().st_size, pages)


def demo_sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8").split("---", 2)[-1]
                     for p in sorted((DEMO / "articles").glob("*.md")))
    text = re.sub(r"^(#|\||>|-|\d+\.|!\[).*$", "", text, flags=re.M)
    return [s + "。" for s in re.split(r"。", text.replace("\n", "")) if len(s) > 12]


def article_markdown(rng: random.Random, sentences: list[str], paragraphs: int,
                     section: str, index: int) -> str:
    authors = AUTHORS[index % len(AUTHORS)]
    front = (f"---\ntitle: {TITLES[index % len(TITLES)]}（{index + 1}）\nsection: {section}\n"
             f"authors: [{', '.join(authors)}]\nauthor_note: 东北亚数字贸易研究中心研究员\n"
             f"tags: [数字贸易, DEPA]\n")
    if index % 3 == 2:
        front += "source: 中国新闻网\n"
    parts = [front + "---"]
    headings = iter(SUBHEADINGS)
    for number in range(paragraphs):
        if number % 4 == 1:
            parts.append(f"## {next(headings, '六、延伸讨论')}")
        parts.append("".join(rng.sample(sentences, rng.randint(3, 6))))
        if number == 2 and index % 2 == 0:
            parts.append("- " + "\n- ".join(s[:28] + "。" for s in rng.sample(sentences, 3)))
        if number == 5 and index % 3 == 0:
            parts.append("| 指标 | 2022 年 | 2023 年 | 增长 |\n|---|---|---|---|\n"
                         "| 跨境电商进出口（万亿元） | 2.11 | 2.38 | 12.8% |\n"
                         "| 可数字化交付服务贸易（亿美元） | 3727.1 | 3666.1 | -1.6% |")
        if number == 7 and index % 4 == 1:
            parts.append("![图 1　会员企业数字化工具应用比例](images/figure-1.png)")
        if number == 9 and index % 3 == 1:
            parts.append("> " + rng.choice(sentences))
    return "\n\n".join(parts) + "\n"


def make_bundle(folder: Path, number: int, generated_paragraphs: int) -> None:
    shutil.copytree(DEMO, folder)
    issue = (folder / "issue.yaml").read_text(encoding="utf-8")
    issue = re.sub(r"^number: .*$", f"number: {number}", issue, flags=re.M)
    issue = re.sub(r"^title: .*$", f"title: 《大连数字贸易》季刊第 {number} 期", issue, flags=re.M)
    (folder / "issue.yaml").write_text(issue, encoding="utf-8")
    sections = re.search(r"^sections: \[(.*)\]", issue, re.M).group(1).split(", ")
    rng = random.Random(number)
    sentences = demo_sentences()
    remaining, index = generated_paragraphs, 0
    while remaining > 0:
        size = min(remaining, rng.randint(10, 18))
        markdown = article_markdown(rng, sentences, size, sections[index % len(sections)], index)
        (folder / "articles" / f"{10 + index:02d}-generated-{index}.md").write_text(
            markdown, encoding="utf-8")
        remaining -= size
        index += 1


def build_issue(work: Path, env: dict, target_pages: int) -> tuple[int, Path]:
    """Import bundles with more or fewer generated paragraphs until the PDF has the target
    page count (±1). Returns the issue number and the (screen) print HTML file."""
    import django

    django.setup()
    from editorial.bundles import bundle_import
    from publishing.rendering import issue_print_html

    paragraphs = max(0, (target_pages - 10) * 5)
    for attempt in range(5):
        number = target_pages * 10 + attempt
        bundle = work / f"bundle-{number}"
        make_bundle(bundle, number, paragraphs)
        issue = bundle_import(directory=bundle).issue
        html_file = work / f"issue-{number}.html"
        html_file.write_text(issue_print_html(issue), encoding="utf-8")
        probe = work / "probe.pdf"
        pages = run_measured([PYTHON, "-c", BARE, str(html_file), str(probe)], env, probe).pages
        if abs(pages - target_pages) <= 1:
            return number, html_file
        paragraphs = max(0, round(paragraphs * (target_pages - 10) / max(pages - 10, 1)))
    return number, html_file


BARE = ("import sys, weasyprint; "
        "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], "
        "pdf_variant=sys.argv[3] if len(sys.argv) > 3 else None, pdf_identifier=True)")
# The same, importing WeasyPrint the way publishing/rendering/weasy.py does (without ctypes'
# library search): shows how much of the ratio is that import alone (--bare-fast-import).
BARE_FAST = ("import ctypes.util; search = ctypes.util.find_library; "
             "ctypes.util.find_library = lambda name: None; import weasyprint; "
             "ctypes.util.find_library = search; import sys; "
             "weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], "
             "pdf_variant=sys.argv[3] if len(sys.argv) > 3 else None, pdf_identifier=True)")
VARIANTS = {"screen": ("pdf/a-2a", []), "print": ("pdf/x-4", ["--print"])}


def variant_html(work: Path, number: int, variant: str) -> Path:
    """The print HTML of issue ``number`` for ``variant`` (what ours hands to WeasyPrint)."""
    from editorial.models import Issue
    from publishing.rendering import issue_print_html

    issue = Issue.objects.get(publication__slug="dalian-digital-trade", number=number)
    html_file = work / f"issue-{number}-{variant}.html"
    html_file.write_text(issue_print_html(issue, print_mode=variant == "print"),
                         encoding="utf-8")
    return html_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[20, 40])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--variants", nargs="+", default=["screen", "print"],
                        choices=sorted(VARIANTS))
    parser.add_argument("--bare-fast-import", action="store_true",
                        help="also run bare WeasyPrint imported without the library search "
                             "(as ours imports it), the 'bare*' rows")
    args = parser.parse_args()
    if not DEMO.is_dir():
        raise SystemExit(f"{DEMO} is missing: the benchmark builds its issues from the demo")
    work = Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bulletin.settings.dev",
           "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
           "MEDIA_ROOT": str(work / "media"), "EDITIONS_ROOT": str(work / "editions"),
           "LOG_LEVEL": "ERROR"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    try:
        print(f"{'issue':>16} {'who':>5} {'pages':>5} {'median s':>9} {'min s':>6} "
              f"{'cpu s':>6} {'s/page':>7} {'peak RSS':>9} {'PDF':>8}")
        for target in args.pages:
            number, _html = build_issue(work, env, target)
            for variant in args.variants:
                pdf_variant, flags = VARIANTS[variant]
                html_file = variant_html(work, number, variant)
                ours_pdf = work / f"ours-{number}-{variant}.pdf"
                bare_pdf = work / f"bare-{number}-{variant}.pdf"
                ours, bare, fast = [], [], []
                for _ in range(args.runs):  # alternate, so all see the same machine state
                    ours.append(run_measured(
                        [PYTHON, "manage.py", "render_issue", "dalian-digital-trade",
                         str(number), "--pdf", str(ours_pdf), *flags], env, ours_pdf))
                    bare.append(run_measured(
                        [PYTHON, "-c", BARE, str(html_file), str(bare_pdf), pdf_variant],
                        env, bare_pdf))
                    if args.bare_fast_import:
                        fast.append(run_measured(
                            [PYTHON, "-c", BARE_FAST, str(html_file), str(bare_pdf),
                             pdf_variant], env, bare_pdf))
                summary = {}
                label = f"{target} pp {variant}"
                for name, runs in (("ours", ours), ("bare", bare), ("bare*", fast)):
                    if not runs:
                        continue
                    median = statistics.median(m.seconds for m in runs)
                    fastest = min(m.seconds for m in runs)
                    cpu = statistics.median(m.cpu_seconds for m in runs)
                    rss = max(m.peak_rss_mb for m in runs)
                    pages, size = runs[0].pages, runs[0].pdf_bytes
                    summary[name] = (median, fastest, cpu)
                    print(f"{label:>16} {name:>5} {pages:>5} {median:>9.2f} {fastest:>6.2f} "
                          f"{cpu:>6.2f} {median / pages:>7.3f} {rss:>6.0f} MB "
                          f"{size / 1024:>5.0f} KB")
                print(f"{label:>16} {'ratio':>5} {'':>5} "
                      f"{summary['ours'][0] / summary['bare'][0]:>9.2f} "
                      f"{summary['ours'][1] / summary['bare'][1]:>6.2f} "
                      f"{summary['ours'][2] / summary['bare'][2]:>6.2f}")
                if fast:
                    print(f"{label:>16} {'ratio*':>6}{'':>5} "
                          f"{summary['ours'][0] / summary['bare*'][0]:>9.2f} "
                          f"{summary['ours'][1] / summary['bare*'][1]:>6.2f} "
                          f"{summary['ours'][2] / summary['bare*'][2]:>6.2f}")
                print(f"{'':>16} runs: ours {', '.join(f'{m.seconds:.2f}' for m in ours)}; "
                      f"bare {', '.join(f'{m.seconds:.2f}' for m in bare)}")
    finally:
        if args.keep:
            print(f"scratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
