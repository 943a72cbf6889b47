import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite struct YAMLAliasKeysTests {
    @Test(arguments: [
        ("a: &x [1]\nb:\n  *x: 1\n", 3),
        ("a: &x [1]\nb: [*x: 1]\n", 2),
        ("a: &x [1]\nb: {k: 1, *x : 2}\n", 2),
        ("a: &x 1\n- *x: 1\n", 2),
        // Keys that are collections holding an alias, and explicit keys, which may be anything.
        ("a: &x [1]\nb:\n  [*x]: 1\n", 3),
        ("a: &x [1]\nb:\n  {k: *x}: 1\n", 3),
        ("a: &x [1]\nb: {[1, *x]: 2}\n", 2),
        ("a: &x [1]\nb: [\n  *x\n  ]: 1\n", 4),
        ("a: &x 1\nb:\n  ? *x\n  : 2\n", 3),
        ("a: &x 1\nb:\n  ?\n    *x\n  : 2\n", 3),
        ("a: &x 1\nb:\n  ? - *x\n  : 2\n", 3),
        ("a: &x 1\nb: &k [*x]: 2\n", 2),
    ])
    func keysThatCanHoldAnAliasAreFound(text: String, line: Int) {
        #expect(YAMLAliasKeys.firstLine(in: text) == line)
    }

    @Test(arguments: [
        "a: &x [1]\nb: *x\nc: [*x, *x]\nd: {k: *x}\ne: [{k: *x}, [*x]]\n",
        "script:\n  - echo '*x: 1' \"[*y]: 2\"\n  - run *.txt: done\n  - echo ${VAR}: done\n  - echo [a]: b\n",
        "script:\n  - |\n    *x: inside a block scalar\n    [*y]: also\n    ? z\n  - >-\n    *z: folded\nnext: 1\n",
        "a: 1 # *x: in a comment\n",
        "a: &x 1\n<<: *x\n",
        "a: *x:y\n",
        "a: {\"k\":1, 'j': [2]}\nb: !reference [.x, script]\nc: [\n  *x,\n  {d: *x}\n]\n",
        "a: what? no\nb: -1\n",
    ])
    func aliasesAsValuesAndTextThatOnlyLooksLikeAKeyAreNot(text: String) {
        #expect(YAMLAliasKeys.firstLine(in: text) == nil)
    }
}
