import Testing
@testable import PolicyEngine

@Suite struct YAMLAliasKeysTests {
    @Test(arguments: [
        ("a: &x [1]\nb:\n  *x: 1\n", 3),
        ("a: &x [1]\nb: [*x: 1]\n", 2),
        ("a: &x [1]\nb: {k: 1, *x : 2}\n", 2),
        ("a: &x 1\nb:\n  ? *x\n  : 2\n", 3),
        ("a: &x 1\n- *x: 1\n", 2),
    ])
    func anAliasUsedAsAKeyIsFound(text: String, line: Int) {
        #expect(YAMLAliasKeys.firstLine(in: text) == line)
    }

    @Test(arguments: [
        "a: &x [1]\nb: *x\nc: [*x, *x]\nd: {k: *x}\n",
        "script:\n  - echo '*x: 1'\n  - \"*x: 2\"\n  - run *.txt: done\n",
        "script:\n  - |\n    *x: inside a block scalar\n    - *y: also\n  - >-\n    *z: folded\nnext: 1\n",
        "a: 1 # *x: in a comment\n",
        "a: &x 1\n<<: *x\n",
        "a: *x:y\n",
    ])
    func aliasesAsValuesAndTextThatOnlyLooksLikeOneAreNot(text: String) {
        #expect(YAMLAliasKeys.firstLine(in: text) == nil)
    }
}
