import Testing
@testable import TerminCore

@Suite struct UnitBitmapTests {
    @Test(arguments: [0..<1, 0..<64, 60..<70, 63..<65, 0..<288, 100..<230, 287..<288])
    func setAndClearRangesAcrossWords(range: Range<Int>) {
        var bitmap = UnitBitmap(count: 288)
        bitmap.set(range)
        #expect(bitmap.population == range.count)
        #expect(bitmap.isSet(range))
        if range.lowerBound > 0 { #expect(!bitmap[range.lowerBound - 1]) }
        if range.upperBound < 288 { #expect(!bitmap[range.upperBound]) }
        #expect(!bitmap.isClear(range))
        bitmap.clear(range)
        #expect(bitmap.population == 0)
    }

    @Test func clearRunFindsTheWholeGap() {
        var bitmap = UnitBitmap(count: 200)
        bitmap.set(0..<10)
        bitmap.set(100..<200)
        #expect(bitmap.clearRun(around: 50..<52) == 10..<100)
        #expect(bitmap.clearRun(around: 10..<11) == 10..<100)
    }

    @Test func isClearMatchesABitByBitCheck() {
        var generator = SeededRandom(seed: 7)
        for _ in 0..<200 {
            var bitmap = UnitBitmap(count: 150)
            for _ in 0..<5 {
                let start = Int.random(in: 0..<150, using: &generator)
                bitmap.set(start..<min(150, start + Int.random(in: 1...10, using: &generator)))
            }
            let start = Int.random(in: 0..<140, using: &generator)
            let range = start..<(start + Int.random(in: 1...10, using: &generator))
            #expect(bitmap.isClear(range) == range.allSatisfy { !bitmap[$0] })
        }
    }
}

