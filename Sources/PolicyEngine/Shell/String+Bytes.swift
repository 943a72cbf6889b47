extension String {
    /// Whether `needle` occurs in the text, compared byte for byte (UTF-8). Foundation's `contains`
    /// compares through NSString with Unicode equivalence, which cost more than parsing the command
    /// itself when the shell analysis asked it for every word of a 2 MB command.
    func containsBytes(_ needle: String) -> Bool {
        CommandClassifier.firstByteRange(of: needle, in: self) != nil
    }
}
