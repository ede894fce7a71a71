// libFuzzer entry point for Cohort's readers of outside bytes. Built and run by `.ci/fuzz` (not part of
// the package): the protocol validator, the sealed-file reader, the audit-line reader, and the command
// line's date and score parsers. FUZZ_TARGET picks one; each must reject bad input with an error, never
// crash, hang or take time out of proportion to its input.
@testable import CohortDomain
import CohortResources
@testable import CohortStore
@testable import CohortFileStore
import Foundation

private let scales = try! BundledResources.scales()
private let context = StudyContext(protocols: [try! StudyProtocol.parse(BundledResources.protocolData(named: "SCZ-5W-INPT")!, scales: scales)],
                                   scales: scales)
private let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "protocol"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "protocol":
        _ = try? StudyProtocol.parse(Data(bytes), scales: scales)
    case "sealed":
        // Sealed again after the mutation, so inputs get past the checksum to the decoder and the checks.
        if bytes.count > CanonicalJSON.checksumRange.upperBound && bytes.starts(with: CanonicalJSON.checksumPrefix) {
            bytes.replaceSubrange(CanonicalJSON.checksumRange, with: Array(CanonicalJSON.checksum(of: bytes).utf8))
        }
        if let file = try? CanonicalJSON.unseal(bytes, as: ParticipantFile.self, path: "fuzz", version: JSONFileStore.formatVersion) {
            _ = file.participant.problems(context: context)
        }
        _ = try? JSONValue.parse(bytes)
    case "audit":
        if let record = try? AuditRecord(line: bytes[...]) {
            var document = JSONValue.emptyObject
            _ = try? JSONPatch.apply(record.operation, to: &document)
        }
    case "date":
        _ = CivilDate(String(decoding: bytes, as: UTF8.self))
    case "scores":
        let text = String(decoding: bytes, as: UTF8.self)
        for code in ["PANSS", "CSSRS", "HAMD17"] { _ = try? Scoring.parseScores(text, scale: scales[code]!) }
    default:
        fatalError("FUZZ_TARGET must be protocol, sealed, audit, date or scores")
    }
    return 0
}
