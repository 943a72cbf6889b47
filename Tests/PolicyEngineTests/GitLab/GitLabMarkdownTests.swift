import Foundation
@_spi(Fuzzing) @testable import PolicyEngine
import Testing

@Suite struct GitLabMarkdownTests {
    @Test(arguments: zip([
        "plain words",
        "/merge",
        "a | b",
        "line\nbreak\r\nand\u{2028}more",
        "@all and @user.name",
        "<!-- x --> <b>&amp;",
        "[link](javascript:alert(1)) ![img](https://t.example/p.png)",
        "**bold** _it_ `code` ~~s~~ {+add+} $x$ #12 !3 %m",
        "right\u{202E}left\u{2066}",
        "tab\tand\u{7}bell",
    ], [
        "plain words",
        "\\/merge",
        "a \\| b",
        "line break and more",
        "@\u{200B}all and @\u{200B}user.name",
        "&lt;\\!-- x --&gt; &lt;b&gt;&amp;amp;",
        "\\[link\\]\\(javascript\\:alert\\(1\\)\\) \\!\\[img\\]\\(https\\:\\/\\/t.example\\/p.png\\)",
        "\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\{+add+\\} \\$x\\$ \\#12 \\!3 \\%m",
        "rightleft",
        "tab and bell",
    ]))
    func inlineTextIsInert(input: String, expected: String) {
        #expect(GitLabMarkdown.inline(input) == expected)
    }

    @Test func inlineTextIsClipped() {
        #expect(GitLabMarkdown.inline(String(repeating: "a", count: 20), limit: 5) == "aaaaa…")
    }

    @Test func noLineOfABodyCanStartAQuickAction() {
        let body = "ok\n/merge\n  /approve\n> /label ~x\n\t/unassign\nnot /here\n"
        let safe = GitLabMarkdown.neutralizingQuickActions(body)
        #expect(safe == "ok\n\\/merge\n  \\/approve\n> \\/label ~x\n\t\\/unassign\nnot /here\n")
        #expect(GitLabMarkdown.containsQuickAction(body))
        #expect(!GitLabMarkdown.containsQuickAction(safe))
    }

    @Test(arguments: zip([
        "https://gitlab.example.com/g/p/-/jobs/9",
        "https://gitlab.example.com/g/p/-/jobs/9?a=(1)",
        "javascript:alert(1)",
        "not a url",
    ], [
        "[Job](https://gitlab.example.com/g/p/-/jobs/9)",
        "[Job](https://gitlab.example.com/g/p/-/jobs/9?a=%281%29)",
        nil,
        nil,
    ] as [String?]))
    func linksAreHTTPOnly(url: String, expected: String?) {
        #expect(GitLabMarkdown.link("Job", to: url) == expected)
    }
}
