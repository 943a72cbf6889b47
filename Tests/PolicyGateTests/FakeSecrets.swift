/// Synthetic secrets in real formats, assembled at run time so the repository holds no literal token.
enum FakeSecrets {
    static let gitlabToken = "glpat" + "-" + gitlabTokenBody
    /// The random part of `gitlabToken`: output must not hold it either, even without the prefix.
    static let gitlabTokenBody = "Zq8wLm3rXy7tKp2vBn4c"
    static let anthropicKey = "sk-ant" + "-api03-" + "Vb7xQ2mK9pLw4rT8yN3hJ6fD1sA5gZ0cE2uI7oP4kM9nB3vX6qW8tY1rL5jH2fG7dS4aZ0xC9vB6nM3kJ8hG5fD2sA7qWAA"
}
