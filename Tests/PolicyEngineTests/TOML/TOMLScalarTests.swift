import Testing
@_spi(Fuzzing) @testable import PolicyEngine

@Suite("Numbers, booleans and date-times")
struct TOMLScalarTests {
    static let integers: [(String, Int64)] = [
        ("+99", 99),
        ("42", 42),
        ("0", 0),
        ("+0", 0),
        ("-0", 0),
        ("-17", -17),
        ("1_000", 1000),
        ("5_349_221", 5_349_221),
        ("53_49_221", 5_349_221),
        ("1_2_3_4_5", 12345),
        ("0xDEADBEEF", 0xDEAD_BEEF),
        ("0xdeadbeef", 0xDEAD_BEEF),
        ("0xdead_beef", 0xDEAD_BEEF),
        ("0x00ff", 255),
        ("0o01234567", 0o1234567),
        ("0o755", 0o755),
        ("0b11010110", 0b1101_0110),
        ("0b0_1", 1),
        ("9223372036854775807", Int64.max),
        ("-9223372036854775808", Int64.min),
        ("0x7FFFFFFFFFFFFFFF", Int64.max),
        ("0o777777777777777777777", Int64.max),
    ]

    @Test("integers", arguments: integers)
    func integer(literal: String, expected: Int64) throws {
        #expect(try TOMLParser.parse("v = \(literal)")["v"] == .integer(expected))
    }

    static let floats: [(String, Double)] = [
        ("+1.0", 1.0),
        ("3.1415", 3.1415),
        ("-0.01", -0.01),
        ("5e+22", 5e22),
        ("1e06", 1e6),
        ("-2E-2", -0.02),
        ("6.626e-34", 6.626e-34),
        ("224_617.445_991_228", 224_617.445_991_228),
        ("1e1_0", 1e10),
        ("0.0", 0),
        ("0e0", 0),
        ("3.5", 3.5),
        ("inf", .infinity),
        ("+inf", .infinity),
        ("-inf", -.infinity),
        ("1.7976931348623157e308", .greatestFiniteMagnitude),
    ]

    @Test("floats", arguments: floats)
    func float(literal: String, expected: Double) throws {
        #expect(try TOMLParser.parse("v = \(literal)")["v"] == .float(expected))
    }

    @Test("nan and signed zero")
    func specialFloats() throws {
        let table = try TOMLParser.parse("a = nan\nb = +nan\nc = -nan\nd = -0.0\ne = +0.0")
        for key in ["a", "b", "c"] {
            #expect(table[key]?.floatValue?.isNaN == true)
        }
        #expect(table["d"]?.floatValue?.sign == .minus)
        #expect(table["e"]?.floatValue?.sign == .plus)
    }

    @Test("booleans")
    func booleans() throws {
        let table = try TOMLParser.parse("t = true\nf = false\narr = [true,false]")
        #expect(table["t"] == .boolean(true))
        #expect(table["f"] == .boolean(false))
        #expect(table["arr"] == .array([.boolean(true), .boolean(false)]))
    }

    static let dateTimes: [String] = [
        "1979-05-27T07:32:00Z",
        "1979-05-27T00:32:00-07:00",
        "1979-05-27T00:32:00.999999-07:00",
        "1979-05-27 07:32:00Z",
        "1979-05-27t07:32:00z",
        "1979-05-27T07:32:00+14:00",
        "1979-05-27T07:32:00",
        "1979-05-27T00:32:00.999999",
        "1979-05-27 07:32:00",
        "1979-05-27",
        "2000-02-29",
        "07:32:00",
        "00:32:00.999999",
        "23:59:60",
    ]

    @Test("date-times keep their text", arguments: dateTimes)
    func dateTime(literal: String) throws {
        let table = try TOMLParser.parse("v = \(literal) # trailing comment\nw = [\(literal), \(literal)]")
        #expect(table["v"] == .dateTime(literal))
        #expect(table["w"] == .array([.dateTime(literal), .dateTime(literal)]))
    }

    @Test("a local date followed by a comment is not merged with it")
    func dateThenComment() throws {
        let table = try TOMLParser.parse("d = 1979-05-27 # 07:32:00\nt = 1979-05-27 ")
        #expect(table["d"] == .dateTime("1979-05-27"))
        #expect(table["t"] == .dateTime("1979-05-27"))
    }
}
