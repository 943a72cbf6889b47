import Foundation

/// Runners that run code the repository defines (`npm test` runs package.json's script, `make`
/// the Makefile's recipe), and the files that define what they run. An allowed runner started
/// after the agent changed one of those files runs whatever the agent wrote.
enum AgentCodeRunners {
    /// A family of runners sharing definition files.
    struct Family {
        /// The family's name in findings (`npm`, `make`, `pytest`).
        var name: String
        /// Definition file names, matched against a changed file's last path component; `*` at the
        /// end matches any rest (`jest.config.*`), at the start any beginning (`*.mk`); a name with
        /// a `/` matches the end of the path (`.cargo/config.toml`).
        var definitions: [String]
    }

    static let javaScript = Family(name: "npm", definitions: [
        "package.json", ".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmfile.cjs", "jest.config.*", "vitest.config.*",
        "vitest.workspace.*", "vite.config.*", ".mocharc*", "karma.conf.*", "playwright.config.*", "cypress.config.*",
        "babel.config.*", ".babelrc*",
    ])
    static let python = Family(name: "pytest", definitions: [
        "pytest.ini", ".pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini", "noxfile.py", "setup.py", "sitecustomize.py",
        "usercustomize.py", "*.pth",
    ])
    static let make = Family(name: "make", definitions: ["Makefile", "makefile", "GNUmakefile", "*.mk"])
    static let just = Family(name: "just", definitions: ["justfile", "Justfile", ".justfile"])
    static let go = Family(name: "go", definitions: ["go.mod", "go.work"])
    static let cargo = Family(name: "cargo", definitions: ["Cargo.toml", "build.rs", ".cargo/config.toml", ".cargo/config", "rust-toolchain", "rust-toolchain.toml"])
    static let swift = Family(name: "swift", definitions: ["Package.swift"])
    static let gradle = Family(name: "gradle", definitions: [
        "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.properties",
        "gradle/wrapper/gradle-wrapper.properties", "gradlew", "init.gradle",
    ])
    static let maven = Family(name: "maven", definitions: ["pom.xml", ".mvn/maven.config", ".mvn/jvm.config", ".mvn/extensions.xml", "mvnw"])
    static let ruby = Family(name: "rake", definitions: ["Rakefile", "Gemfile", ".rspec"])
    static let other = Family(name: "build", definitions: ["composer.json", "deno.json", "deno.jsonc", "CMakeLists.txt", "Directory.Build.props",
                                                           "Directory.Build.targets"])

    /// The runner family a simple command (wrappers already stripped) starts, if any.
    static func family(of words: [String]) -> Family? {
        guard let first = words.first else { return nil }
        let program = ShellWrappers.basename(first)
        let rest = Array(words.dropFirst())
        switch program {
        case "npm", "yarn", "pnpm", "bun", "npx", "bunx", "pnpx", "jest", "vitest", "mocha", "playwright", "karma", "node":
            return program == "node" ? nil : javaScript
        case "pytest", "py.test", "tox", "nox":
            return python
        case "python", "python3", "python2":
            return rest.first == "-m" && ["pytest", "unittest", "tox", "nox"].contains(rest.dropFirst().first ?? "") ? python : nil
        case "make", "gmake": return make
        case "just": return just
        case "go": return ["test", "run", "build", "generate", "vet", "install"].contains(rest.first ?? "") ? go : nil
        case "cargo": return cargo
        case "swift": return ["test", "build", "run"].contains(rest.first ?? "") ? swift : nil
        case "gradle", "gradlew": return gradle
        case "mvn", "mvnw": return maven
        case "rake", "rspec", "bundle": return ruby
        case "composer", "deno", "cmake", "ctest", "dotnet": return other
        default: return nil
        }
    }

    /// Whether a changed file (a path inside the repository) defines what `family` runs.
    static func defines(_ path: String, for family: Family) -> Bool {
        let name = ShellWrappers.basename(path)
        return family.definitions.contains { pattern in
            if pattern.contains("/") { return path == pattern || path.hasSuffix("/" + pattern) }
            if pattern.hasSuffix("*") { return name.hasPrefix(pattern.dropLast()) }
            if pattern.hasPrefix("*") { return name.hasSuffix(pattern.dropFirst()) }
            return name == pattern
        }
    }
}
