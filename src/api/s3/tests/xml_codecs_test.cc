#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/s3/xml/request_codecs.h"
#include "api/s3/xml/xml_writer.h"

namespace api::s3 {
namespace {

using common::ErrorCode;
using common::Status;
using service::objects::CorsRule;
using service::objects::PublicAccessBlock;
using service::objects::Tags;

constexpr std::string_view kNs = R"( xmlns="http://s3.amazonaws.com/doc/2006-03-01/")";

// A bad input and the error it must give.
struct Bad {
  std::string name;
  std::string body;
  ErrorCode code = ErrorCode::kInvalidArgument;
  std::string_view reason = "MalformedXML";
  std::string message;  // checked when not empty
};

template <typename T>
void ExpectBad(const common::Result<T>& r, const Bad& c) {
  ASSERT_FALSE(r.ok()) << c.name;
  EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status().ToString();
  EXPECT_EQ(r.status().reason(), c.reason) << c.name << ": " << r.status().ToString();
  if (!c.message.empty()) {
    EXPECT_EQ(r.status().message(), c.message) << c.name;
  }
}

std::string Repeat(std::string_view piece, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += piece;
  return out;
}

// ---------------------------------------------------------------------------
// XmlWriter

// Verifies the writer's document shape: declaration, namespace, nesting, types.
TEST(XmlWriterTest, WritesCompactDocument) {
  XmlWriter w;
  w.Declaration();
  w.Open("ListBucketResult", kS3Namespace);
  w.Element("Name", "bucket");
  w.Element("MaxKeys", int64_t{1000});
  w.Element("Size", uint64_t{18446744073709551615u});
  w.Element("KeyCount", 3);
  w.Element("IsTruncated", false);
  w.ElementIfNotEmpty("Delimiter", "");
  w.ElementIfNotEmpty("Prefix", "p/");
  w.Element("Marker", "");
  w.Empty("VersionIdMarker");
  w.Open("Contents");
  w.Element("Key", std::string("a"));
  w.Close();
  w.Close();
  EXPECT_EQ(w.Take(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Name>bucket</Name><MaxKeys>1000</MaxKeys><Size>18446744073709551615</Size>"
            "<KeyCount>3</KeyCount><IsTruncated>false</IsTruncated><Prefix>p/</Prefix>"
            "<Marker></Marker><VersionIdMarker/><Contents><Key>a</Key></Contents>"
            "</ListBucketResult>");
}

// Verifies Take closes what is left open and leaves the writer reusable.
TEST(XmlWriterTest, TakeClosesOpenElements) {
  XmlWriter w;
  w.Open("A");
  w.Open("B");
  w.Text("x");
  EXPECT_EQ(w.Take(), "<A><B>x</B></A>");
  w.Element("C", true);
  EXPECT_EQ(w.Take(), "<C>true</C>");
}

// Verifies escaping of markup characters and of every C0 control, as S3 writes them.
TEST(XmlWriterTest, Escapes) {
  struct Case {
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"plain/key.txt", "plain/key.txt"},
      {"", ""},
      {"a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&apos;f"},
      {"\"etag\"", "&quot;etag&quot;"},
      {"a\tb\nc\rd", "a&#9;b&#10;c&#13;d"},
      {std::string("\x00\x01\x04\x0e\x1f", 5), "&#x0;&#x1;&#x4;&#xe;&#x1f;"},
      {"\x7f", "\x7f"},
      {"caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80"},
      {"&amp;", "&amp;amp;"},
      {"]]>", "]]&gt;"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(XmlText(c.in), c.out);
    XmlWriter w;
    w.Element("K", c.in);
    EXPECT_EQ(w.Take(), "<K>" + c.out + "</K>");
  }
  XmlWriter w;
  w.Open("R", "a\"b");
  EXPECT_EQ(w.Take(), "<R xmlns=\"a&quot;b\"></R>");
}

// Verifies what the writer escapes the request parsers read back unchanged.
TEST(XmlWriterTest, RoundTripsThroughParser) {
  const std::vector<std::string> keys = {
      "a&b", "<tag>", "q\"uote's", "cr\rlf\n", "tab\t", std::string("ctl\x01\x1f", 5), " ",
      "  spaced  ", "\xE2\x82\xAC", "]]>"};
  XmlWriter w;
  w.Open("Delete", kS3Namespace);
  for (const std::string& k : keys) {
    w.Open("Object");
    w.Element("Key", k);
    w.Close();
  }
  w.Element("Quiet", true);
  auto r = ParseDelete(w.Take());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->objects.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(r->objects[i].key, keys[i]);
  EXPECT_TRUE(r->quiet);
}

// ---------------------------------------------------------------------------
// Checks common to every parser (exercised through ParseDelete).

// Verifies malformed documents are refused as MalformedXML, whatever pugixml would allow.
TEST(XmlDocumentTest, RefusesMalformedDocuments) {
  static constexpr char kRawNul[] = "<Delete><Object><Key>a\0b</Key></Object></Delete>";
  const std::string one = "<Object><Key>k</Key></Object>";
  const std::vector<Bad> cases = {
      {"empty", ""},
      {"blank", "  \n"},
      {"not xml", "hello"},
      {"truncated", "<Delete>" + one},
      {"mismatched tags", "<Delete>" + one + "</Remove>"},
      {"wrong root", "<Remove>" + one + "</Remove>"},
      {"two roots", "<Delete>" + one + "</Delete><Delete>" + one + "</Delete>"},
      {"text before root", "junk<Delete>" + one + "</Delete>"},
      {"text after root", "<Delete>" + one + "</Delete>junk"},
      {"doctype", "<!DOCTYPE Delete><Delete>" + one + "</Delete>"},
      {"entity declaration",
       "<!DOCTYPE Delete [<!ENTITY x \"y\">]><Delete><Object><Key>&x;</Key></Object></Delete>"},
      {"external entity",
       "<!DOCTYPE Delete [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
       "<Delete><Object><Key>&x;</Key></Object></Delete>"},
      {"undeclared entity", "<Delete><Object><Key>&x;</Key></Object></Delete>"},
      {"bare ampersand", "<Delete><Object><Key>a&b</Key></Object></Delete>"},
      {"unterminated reference", "<Delete><Object><Key>&amp</Key></Object></Delete>"},
      {"NUL reference", "<Delete><Object><Key>a&#0;b</Key></Object></Delete>"},
      {"NUL hex reference", "<Delete><Object><Key>a&#x0000;b</Key></Object></Delete>"},
      {"surrogate reference", "<Delete><Object><Key>&#xD800;</Key></Object></Delete>"},
      {"reference past Unicode", "<Delete><Object><Key>&#x110000;</Key></Object></Delete>"},
      {"huge reference", "<Delete><Object><Key>&#99999999999999999999;</Key></Object></Delete>"},
      {"upper-case X reference", "<Delete><Object><Key>&#X41;</Key></Object></Delete>"},
      {"empty reference", "<Delete><Object><Key>&#;</Key></Object></Delete>"},
      {"raw NUL", std::string(kRawNul, sizeof(kRawNul) - 1)},
      {"raw control", "<Delete><Object><Key>x\x04y</Key></Object></Delete>"},
      {"invalid UTF-8", "<Delete><Object><Key>\xC3\x28</Key></Object></Delete>"},
      {"overlong UTF-8", "<Delete><Object><Key>\xC0\xAF</Key></Object></Delete>"},
      {"UTF-8 surrogate", "<Delete><Object><Key>\xED\xA0\x80</Key></Object></Delete>"},
      {"U+FFFE", "<Delete><Object><Key>\xEF\xBF\xBE</Key></Object></Delete>"},
      {"truncated UTF-8", "<Delete><Object><Key>k</Key></Object></Delete>\xE2\x82"},
      {"UTF-16", std::string("<\0D\0e\0l\0/\0>\0", 12)},
      {"unterminated comment", "<Delete>" + one + "<!-- </Delete>"},
      {"unterminated CDATA", "<Delete><Object><Key><![CDATA[k</Key></Object></Delete>"},
      {"CDATA outside root", "<![CDATA[x]]><Delete>" + one + "</Delete>"},
      {"element inside a value", "<Delete><Object><Key>a<b/></Key></Object></Delete>"},
      {"text among elements", "<Delete>text" + one + "</Delete>"},
      {"bad attribute reference", "<Delete a=\"&x;\">" + one + "</Delete>"},
      {"lt in attribute", "<Delete a=\"<\">" + one + "</Delete>"},
      {"unclosed tag", "<Delete" + one + "</Delete>"},
      {"stray end tag", "</Delete>"},
  };
  for (const Bad& c : cases) ExpectBad(ParseDelete(c.body), c);
}

// Verifies well-formed variants are accepted: namespaces, prefixes, declaration,
// comments, CDATA, references, BOM, attributes, unknown elements.
TEST(XmlDocumentTest, AcceptsWellFormedVariants) {
  struct Case {
    std::string name;
    std::string body;
    std::string key;
  };
  const std::vector<Case> cases = {
      {"no namespace", "<Delete><Object><Key>k</Key></Object></Delete>", "k"},
      {"S3 namespace", "<Delete" + std::string(kNs) + "><Object><Key>k</Key></Object></Delete>",
       "k"},
      {"prefixed",
       "<s3:Delete xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:Object><s3:Key>k"
       "</s3:Key></s3:Object></s3:Delete>",
       "k"},
      {"declaration and white space",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete>\n  <Object>\n    <Key>k</Key>\n"
       "  </Object>\n</Delete >\n",
       "k"},
      {"BOM", "\xEF\xBB\xBF<Delete><Object><Key>k</Key></Object></Delete>", "k"},
      {"comments", "<!-- a --><Delete><!-- b --><Object><Key>k<!-- c -->2</Key></Object></Delete>",
       "k2"},
      {"CDATA", "<Delete><Object><Key><![CDATA[a&<b>]]>c</Key></Object></Delete>", "a&<b>c"},
      {"references",
       "<Delete><Object><Key>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#x20AC;&#xD;&#xA;&#x4;&#13;"
       "</Key></Object></Delete>",
       "&<>\"'AB\xE2\x82\xAC\r\n\x04\r"},
      {"CRLF normalised", "<Delete><Object><Key>a\r\nb</Key></Object></Delete>", "a\nb"},
      {"white space kept", "<Delete><Object><Key>  </Key></Object></Delete>", "  "},
      {"attributes", "<Delete a='1' b=\"x>y\"><Object><Key>k</Key></Object></Delete>", "k"},
      {"unknown elements",
       "<Delete><Extra><Deep>1</Deep></Extra><Object><ETag>x</ETag><Key>k</Key><Size>1</Size>"
       "</Object></Delete>",
       "k"},
      {"processing instruction", "<Delete><?pi x?><Object><Key>k</Key></Object></Delete>", "k"},
  };
  for (const Case& c : cases) {
    auto r = ParseDelete(c.body);
    ASSERT_TRUE(r.ok()) << c.name << ": " << r.status().ToString();
    ASSERT_EQ(r->objects.size(), 1u) << c.name;
    EXPECT_EQ(r->objects[0].key, c.key) << c.name;
  }
}

// Verifies every parser refuses a body over its limit before parsing it.
TEST(XmlDocumentTest, RefusesOversizedBodies) {
  struct Case {
    std::string name;
    size_t limit;
    std::function<Status(std::string_view)> parse;
  };
  const std::vector<Case> cases = {
      {"CreateBucket", kMaxCreateBucketBody,
       [](std::string_view b) { return ParseCreateBucketConfiguration(b).status(); }},
      {"Delete", kMaxDeleteBody, [](std::string_view b) { return ParseDelete(b).status(); }},
      {"Complete", kMaxCompleteMultipartBody,
       [](std::string_view b) { return ParseCompleteMultipartUpload(b).status(); }},
      {"Versioning", kMaxVersioningBody,
       [](std::string_view b) { return ParseVersioningConfiguration(b).status(); }},
      {"Tagging", kMaxTaggingBody,
       [](std::string_view b) { return ParseTagging(b, kMaxObjectTags).status(); }},
      {"Cors", kMaxCorsBody, [](std::string_view b) { return ParseCorsConfiguration(b).status(); }},
      {"PublicAccessBlock", kMaxPublicAccessBlockBody,
       [](std::string_view b) { return ParsePublicAccessBlockConfiguration(b).status(); }},
  };
  for (const Case& c : cases) {
    // White space only: past the limit it must be the size, not the content, that fails.
    Status st = c.parse(std::string(c.limit + 1, ' '));
    EXPECT_EQ(st.code(), ErrorCode::kTooLarge) << c.name;
    EXPECT_EQ(st.reason(), "MaxMessageLengthExceeded") << c.name;
    st = c.parse(std::string(c.limit, ' '));
    EXPECT_NE(st.code(), ErrorCode::kTooLarge) << c.name;
  }
}

// ---------------------------------------------------------------------------
// CreateBucketConfiguration

// Verifies location constraints, including boto3's body and an absent body.
TEST(CreateBucketConfigurationTest, Good) {
  struct Case {
    std::string body;
    std::string location;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {" \r\n\t", ""},
      // boto3: create_bucket(CreateBucketConfiguration={'LocationConstraint': 'eu-west-1'})
      {"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>",
       "eu-west-1"},
      // AWS's sample, with its "</CreateBucketConfiguration >".
      {"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
       "  <LocationConstraint>us-west-1</LocationConstraint>\n</CreateBucketConfiguration >",
       "us-west-1"},
      {"<CreateBucketConfiguration/>", ""},
      {"<CreateBucketConfiguration><LocationConstraint/></CreateBucketConfiguration>", ""},
      {"<CreateBucketConfiguration><Tags><Tag><Key>a</Key><Value>b</Value></Tag></Tags>"
       "<LocationConstraint>ap-south-1</LocationConstraint></CreateBucketConfiguration>",
       "ap-south-1"},
  };
  for (const Case& c : cases) {
    auto r = ParseCreateBucketConfiguration(c.body);
    ASSERT_TRUE(r.ok()) << c.body << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.location) << c.body;
  }
}

TEST(CreateBucketConfigurationTest, Bad) {
  const std::vector<Bad> cases = {
      {"wrong root", "<CreateBucket><LocationConstraint>x</LocationConstraint></CreateBucket>"},
      {"twice",
       "<CreateBucketConfiguration><LocationConstraint>a</LocationConstraint>"
       "<LocationConstraint>b</LocationConstraint></CreateBucketConfiguration>"},
      {"not xml", "eu-west-1"},
      {"nested value",
       "<CreateBucketConfiguration><LocationConstraint><a/></LocationConstraint>"
       "</CreateBucketConfiguration>"},
  };
  for (const Bad& c : cases) ExpectBad(ParseCreateBucketConfiguration(c.body), c);
}

// ---------------------------------------------------------------------------
// Delete

// Verifies DeleteObjects bodies, including boto3's exact bytes.
TEST(DeleteTest, Good) {
  // boto3: delete_objects(Delete={'Objects': [{'Key': 'a'}, {'Key': 'b&<c', 'VersionId': 'v1'}],
  //                               'Quiet': True})
  auto r = ParseDelete(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object>"
      "<Object><Key>b&amp;&lt;c</Key><VersionId>v1</VersionId></Object><Quiet>true</Quiet>"
      "</Delete>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->objects,
            (std::vector<ObjectIdentifier>{{"a", ""}, {"b&<c", "v1"}}));
  EXPECT_TRUE(r->quiet);

  // boto3 writes CR and LF as hex references.
  r = ParseDelete(
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a&#xD;&#xA;b</Key>"
      "</Object><Object><Key> </Key></Object></Delete>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->objects, (std::vector<ObjectIdentifier>{{"a\r\nb", ""}, {" ", ""}}));
  EXPECT_FALSE(r->quiet);

  struct Case {
    std::string quiet;
    bool value;
  };
  for (const Case& c : std::vector<Case>{{"false", false}, {" true ", true}, {"1", true},
                                         {"0", false}}) {
    r = ParseDelete("<Delete><Quiet>" + c.quiet + "</Quiet><Object><Key>k</Key></Object></Delete>");
    ASSERT_TRUE(r.ok()) << c.quiet;
    EXPECT_EQ(r->quiet, c.value) << c.quiet;
  }

  // Exactly 1000 objects, with duplicates kept.
  r = ParseDelete("<Delete>" + Repeat("<Object><Key>k</Key></Object>", 1000) + "</Delete>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->objects.size(), 1000u);

  // A version id sent empty counts as absent.
  r = ParseDelete("<Delete><Object><Key>k</Key><VersionId/></Object></Delete>");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->objects[0].version_id, "");
}

TEST(DeleteTest, Bad) {
  const std::vector<Bad> cases = {
      {"no objects", "<Delete></Delete>"},
      {"only quiet", "<Delete><Quiet>true</Quiet></Delete>"},
      {"1001 objects", "<Delete>" + Repeat("<Object><Key>k</Key></Object>", 1001) + "</Delete>"},
      {"no key", "<Delete><Object><VersionId>v</VersionId></Object></Delete>"},
      {"empty key", "<Delete><Object><Key></Key></Object></Delete>"},
      {"two keys", "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>"},
      {"two versions",
       "<Delete><Object><Key>a</Key><VersionId>1</VersionId><VersionId>2</VersionId></Object>"
       "</Delete>"},
      {"bad quiet", "<Delete><Object><Key>a</Key></Object><Quiet>yes</Quiet></Delete>"},
      {"two quiets",
       "<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>true</Quiet></Delete>"},
      {"text in object", "<Delete><Object>x<Key>a</Key></Object></Delete>"},
      // botocore sends a key's raw control characters; XML 1.0 cannot carry them.
      {"boto3 raw control",
       "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>x\x04y</Key>"
       "</Object></Delete>"},
  };
  for (const Bad& c : cases) ExpectBad(ParseDelete(c.body), c);
}

// ---------------------------------------------------------------------------
// CompleteMultipartUpload

// Verifies parts, ETag quotes and checksums, including boto3's exact bytes.
TEST(CompleteMultipartUploadTest, Good) {
  // boto3: complete_multipart_upload(MultipartUpload={'Parts': [
  //   {'PartNumber': 1, 'ETag': '"abc"'},
  //   {'PartNumber': 2, 'ETag': '"def"', 'ChecksumCRC32': 'AAAAAA=='}]})
  auto r = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part>"
      "<PartNumber>1</PartNumber><ETag>\"abc\"</ETag></Part><Part><PartNumber>2</PartNumber>"
      "<ETag>\"def\"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
      "</CompleteMultipartUpload>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (std::vector<CompletedPart>{{1, "abc", {}},
                                            {2, "def", {{"ChecksumCRC32", "AAAAAA=="}}}}));

  // AWS's sample: no namespace, &quot; quotes, white space around the number.
  r = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload>\n  <Part>\n    <PartNumber> 3 </PartNumber>\n"
      "    <ETag>&quot;a54357aff0632cce46d942af68356b38&quot;</ETag>\n"
      "    <ChecksumSHA256>x</ChecksumSHA256><ChecksumCRC64NVME>y</ChecksumCRC64NVME>\n"
      "  </Part>\n</CompleteMultipartUpload>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].part_number, 3);
  EXPECT_EQ((*r)[0].etag, "a54357aff0632cce46d942af68356b38");
  EXPECT_EQ((*r)[0].checksums,
            (std::map<std::string, std::string>{{"ChecksumCRC64NVME", "y"}, {"ChecksumSHA256", "x"}}));

  // Unquoted ETag; order kept as sent (the operation checks it).
  r = ParseCompleteMultipartUpload(
      "<CompleteMultipartUpload><Part><ETag>e2</ETag><PartNumber>10000</PartNumber></Part>"
      "<Part><PartNumber>1</PartNumber><ETag>e1</ETag></Part></CompleteMultipartUpload>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)[0].part_number, 10000);
  EXPECT_EQ((*r)[0].etag, "e2");
  EXPECT_EQ((*r)[1].part_number, 1);
}

TEST(CompleteMultipartUploadTest, Bad) {
  const std::string range = "Part number must be an integer between 1 and 10000, inclusive";
  auto part = [](std::string number, std::string etag = "<ETag>e</ETag>") {
    return "<CompleteMultipartUpload><Part><PartNumber>" + number + "</PartNumber>" + etag +
           "</Part></CompleteMultipartUpload>";
  };
  const std::vector<Bad> cases = {
      {"no parts", "<CompleteMultipartUpload/>"},
      {"no parts, namespaced",
       "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "</CompleteMultipartUpload>"},
      {"no part number", "<CompleteMultipartUpload><Part><ETag>e</ETag></Part></CompleteMultipartUpload>"},
      {"no etag", part("1", "")},
      {"not a number", part("one")},
      {"fraction", part("1.5")},
      {"empty number", part("")},
      {"overflow", part("99999999999999999999")},
      {"two numbers", part("1</PartNumber><PartNumber>2")},
      {"two checksums",
       part("1", "<ETag>e</ETag><ChecksumCRC32>a</ChecksumCRC32><ChecksumCRC32>b</ChecksumCRC32>")},
      {"10001 parts",
       "<CompleteMultipartUpload>" +
           Repeat("<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>", 10001) +
           "</CompleteMultipartUpload>"},
      {"zero", part("0"), ErrorCode::kInvalidArgument, "InvalidArgument", range},
      {"negative", part("-1"), ErrorCode::kInvalidArgument, "InvalidArgument", range},
      {"too big", part("10001"), ErrorCode::kInvalidArgument, "InvalidArgument", range},
      {"wrong root", "<CompleteMultipart><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
                     "</CompleteMultipart>"},
  };
  for (const Bad& c : cases) ExpectBad(ParseCompleteMultipartUpload(c.body), c);
}

// ---------------------------------------------------------------------------
// VersioningConfiguration

TEST(VersioningConfigurationTest, Good) {
  struct Case {
    std::string body;
    std::string status;
    std::string mfa;
  };
  const std::vector<Case> cases = {
      // boto3: put_bucket_versioning(VersioningConfiguration={'Status': 'Enabled',
      //                                                       'MFADelete': 'Disabled'})
      {"<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>"
       "Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>",
       "Enabled", "Disabled"},
      // minio-go (mc version enable / suspend): no namespace.
      {"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>",
       "Suspended", ""},
      {"<VersioningConfiguration/>", "", ""},
      {"<VersioningConfiguration><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>", "",
       "Enabled"},
  };
  for (const Case& c : cases) {
    auto r = ParseVersioningConfiguration(c.body);
    ASSERT_TRUE(r.ok()) << c.body << ": " << r.status().ToString();
    EXPECT_EQ(r->status, c.status) << c.body;
    EXPECT_EQ(r->mfa_delete, c.mfa) << c.body;
  }
}

TEST(VersioningConfigurationTest, Bad) {
  const std::vector<Bad> cases = {
      {"lower case", "<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>"},
      {"unknown", "<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>"},
      {"padded", "<VersioningConfiguration><Status> Enabled</Status></VersioningConfiguration>"},
      {"empty", "<VersioningConfiguration><Status/></VersioningConfiguration>"},
      {"bad mfa", "<VersioningConfiguration><MfaDelete>On</MfaDelete></VersioningConfiguration>"},
      {"twice",
       "<VersioningConfiguration><Status>Enabled</Status><Status>Enabled</Status>"
       "</VersioningConfiguration>"},
      {"wrong root", "<Versioning><Status>Enabled</Status></Versioning>"},
      {"empty body", ""},
  };
  for (const Bad& c : cases) ExpectBad(ParseVersioningConfiguration(c.body), c);
}

// ---------------------------------------------------------------------------
// Tagging

TEST(TaggingTest, Good) {
  // boto3: put_object_tagging(Tagging={'TagSet': [{'Key': 'a', 'Value': '1'},
  //                                               {'Key': 'b', 'Value': ''}]})
  auto r = ParseTagging(
      "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet><Tag><Key>a</Key>"
      "<Value>1</Value></Tag><Tag><Key>b</Key><Value /></Tag></TagSet></Tagging>",
      kMaxObjectTags);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, (Tags{{"a", "1"}, {"b", ""}}));

  // boto3 with an empty TagSet.
  r = ParseTagging("<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><TagSet /></Tagging>",
                   kMaxObjectTags);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->empty());

  // Every allowed character, the longest key and value, non-ASCII text, order kept.
  const std::string key128(128, 'k');
  const std::string value256(256, 'v');
  // 64 characters outside the BMP: 128 UTF-16 units.
  const std::string emoji_key = Repeat("\xF0\x9F\x98\x80", 64);
  r = ParseTagging("<Tagging><TagSet><Tag><Key>z Az09_.:/=+@-</Key><Value>v v</Value></Tag>"
                   "<Tag><Key>" + key128 + "</Key><Value>" + value256 + "</Value></Tag>"
                   "<Tag><Key>caf\xC3\xA9</Key><Value>\xE2\x82\xAC</Value></Tag>"
                   "<Tag><Key>" + emoji_key + "</Key><Value/></Tag>"
                   "<Tag><Key>AWS:upper</Key><Value/></Tag></TagSet></Tagging>",
                   kMaxObjectTags);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0], (std::pair<std::string, std::string>{"z Az09_.:/=+@-", "v v"}));
  EXPECT_EQ((*r)[1].first, key128);

  // 10 object tags, 50 bucket tags.
  auto tags = [](size_t n) {
    std::string body = "<Tagging><TagSet>";
    for (size_t i = 0; i < n; ++i) {
      body += "<Tag><Key>k" + std::to_string(i) + "</Key><Value>v</Value></Tag>";
    }
    return body + "</TagSet></Tagging>";
  };
  EXPECT_TRUE(ParseTagging(tags(10), kMaxObjectTags).ok());
  EXPECT_TRUE(ParseTagging(tags(50), kMaxBucketTags).ok());
}

TEST(TaggingTest, Bad) {
  auto one = [](std::string key, std::string value) {
    return "<Tagging><TagSet><Tag><Key>" + key + "</Key><Value>" + value +
           "</Value></Tag></TagSet></Tagging>";
  };
  auto tags = [](size_t n) {
    std::string body = "<Tagging><TagSet>";
    for (size_t i = 0; i < n; ++i) {
      body += "<Tag><Key>k" + std::to_string(i) + "</Key><Value>v</Value></Tag>";
    }
    return body + "</TagSet></Tagging>";
  };
  const ErrorCode kInvalid = ErrorCode::kInvalidArgument;
  struct TagBad {
    Bad bad;
    size_t max = kMaxObjectTags;
  };
  const std::vector<TagBad> cases = {
      {{"no tag set", "<Tagging/>"}},
      {{"two tag sets", "<Tagging><TagSet/><TagSet/></Tagging>"}},
      {{"no value", "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>"}},
      {{"no key", "<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>"}},
      {{"two keys", "<Tagging><TagSet><Tag><Key>a</Key><Key>b</Key><Value/></Tag></TagSet></Tagging>"}},
      {{"wrong root", "<TagSet><Tag><Key>a</Key><Value/></Tag></TagSet>"}},
      {{"11 object tags", tags(11), kInvalid, "BadRequest", "Object tags cannot be greater than 10"}},
      {{"51 bucket tags", tags(51), kInvalid, "BadRequest",
        "Bucket tag count cannot be greater than 50"},
       kMaxBucketTags},
      {{"duplicate", "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key>"
                     "<Value>2</Value></Tag></TagSet></Tagging>",
        kInvalid, "InvalidTag", "Cannot provide multiple Tags with the same key"}},
      {{"empty key", one("", "v"), kInvalid, "InvalidTag", "The TagKey you have provided is invalid"}},
      {{"bad key char", one("a,b", "v"), kInvalid, "InvalidTag",
        "The TagKey you have provided is invalid"}},
      {{"bad value char", one("k", "inv&amp;alid"), kInvalid, "InvalidTag",
        "The TagValue you have provided is invalid"}},
      {{"parentheses", one("Name", "x (y)"), kInvalid, "InvalidTag",
        "The TagValue you have provided is invalid"}},
      {{"control reference", one("k&#x4;", "v"), kInvalid, "InvalidTag",
        "The TagKey you have provided is invalid"}},
      {{"key 129", one(std::string(129, 'k'), "v"), kInvalid, "InvalidTag",
        "The TagKey you have provided is too long, max 128"}},
      {{"key 129 UTF-16 units", one(Repeat("\xF0\x9F\x98\x80", 64) + "k", "v"), kInvalid,
        "InvalidTag", "The TagKey you have provided is too long, max 128"}},
      {{"value 257", one("k", std::string(257, 'v')), kInvalid, "InvalidTag",
        "The TagValue you have provided is too long, max 256"}},
      {{"aws prefix", one("aws:x", "v"), kInvalid, "InvalidTag",
        "Your TagKey cannot be prefixed with aws:"}},
      {{"aws prefix on a bucket", one("aws:x", "v"), kInvalid, "InvalidTag",
        "System tags cannot be added/updated by requester"},
       kMaxBucketTags},
  };
  for (const TagBad& c : cases) ExpectBad(ParseTagging(c.bad.body, c.max), c.bad);
}

// ---------------------------------------------------------------------------
// CORSConfiguration

TEST(CorsConfigurationTest, Good) {
  // boto3: put_bucket_cors(CORSConfiguration={'CORSRules': [{'ID': 'r1',
  //   'AllowedHeaders': ['*'], 'AllowedMethods': ['GET', 'PUT'],
  //   'AllowedOrigins': ['http://x.com', '*'], 'ExposeHeaders': ['ETag'],
  //   'MaxAgeSeconds': 3000}]})
  auto r = ParseCorsConfiguration(
      "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><CORSRule><ID>r1</ID>"
      "<AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT"
      "</AllowedMethod><AllowedOrigin>http://x.com</AllowedOrigin><AllowedOrigin>*"
      "</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>"
      "</CORSRule></CORSConfiguration>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  CorsRule want;
  want.id = "r1";
  want.allowed_origins = {"http://x.com", "*"};
  want.allowed_methods = {"GET", "PUT"};
  want.allowed_headers = {"*"};
  want.expose_headers = {"ETag"};
  want.max_age_seconds = 3000;
  EXPECT_EQ(*r, std::vector<CorsRule>{want});

  // Minimal rules; every method; an empty origin (S3 accepts it); 100 rules.
  r = ParseCorsConfiguration(
      "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>"
      "<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST"
      "</AllowedMethod><AllowedMethod>DELETE</AllowedMethod><AllowedMethod>HEAD</AllowedMethod>"
      "</CORSRule><CORSRule><AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
      "<AllowedHeader>x-amz-*</AllowedHeader></CORSRule></CORSConfiguration>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].allowed_methods.size(), 5u);
  EXPECT_FALSE((*r)[0].max_age_seconds.has_value());
  EXPECT_EQ((*r)[1].allowed_origins, std::vector<std::string>{""});

  r = ParseCorsConfiguration(
      "<CORSConfiguration>" +
      Repeat("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
             "</CORSRule>",
             100) +
      "</CORSConfiguration>");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 100u);
}

TEST(CorsConfigurationTest, Bad) {
  auto rule = [](std::string inner) {
    return "<CORSConfiguration><CORSRule>" + inner + "</CORSRule></CORSConfiguration>";
  };
  const std::string ok = "<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>";
  const ErrorCode kInvalid = ErrorCode::kInvalidArgument;
  const std::vector<Bad> cases = {
      {"no rules", "<CORSConfiguration/>"},
      {"empty rule", rule("")},
      {"no origin", rule("<AllowedMethod>GET</AllowedMethod>")},
      {"no method", rule("<AllowedOrigin>*</AllowedOrigin>")},
      {"101 rules", "<CORSConfiguration>" + Repeat("<CORSRule>" + ok + "</CORSRule>", 101) +
                        "</CORSConfiguration>"},
      {"bad max age", rule(ok + "<MaxAgeSeconds>soon</MaxAgeSeconds>")},
      {"max age overflow", rule(ok + "<MaxAgeSeconds>2147483648</MaxAgeSeconds>")},
      {"two ids", rule(ok + "<ID>a</ID><ID>b</ID>")},
      {"wrong root", "<CORSRules><CORSRule>" + ok + "</CORSRule></CORSRules>"},
      {"unsupported method",
       rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>MYMETHOD</AllowedMethod>"), kInvalid,
       "InvalidRequest",
       "Found unsupported HTTP method in CORS config. Unsupported method is MYMETHOD"},
      {"OPTIONS", rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod>"),
       kInvalid, "InvalidRequest",
       "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
      {"lower-case method", rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>"),
       kInvalid, "InvalidRequest",
       "Found unsupported HTTP method in CORS config. Unsupported method is get"},
      {"empty method", rule("<AllowedOrigin>*</AllowedOrigin><AllowedMethod/>"), kInvalid,
       "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is "},
      {"two origin wildcards",
       rule("<AllowedOrigin>*example*.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"),
       kInvalid, "InvalidRequest",
       "AllowedOrigin \"*example*.com\" can not have more than one wildcard."},
      {"two header wildcards", rule(ok + "<AllowedHeader>**</AllowedHeader>"), kInvalid,
       "InvalidRequest", "AllowedHeader \"**\" can not have more than one wildcard."},
      {"long id", rule(ok + "<ID>" + std::string(256, 'i') + "</ID>"), kInvalid, "InvalidArgument",
       "ID length should not exceed allowed limit of 255"},
      // Schema faults come before value faults, whichever rule holds them.
      {"malformed after invalid",
       "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>BAD"
       "</AllowedMethod></CORSRule><CORSRule/></CORSConfiguration>"},
  };
  for (const Bad& c : cases) ExpectBad(ParseCorsConfiguration(c.body), c);
}

// ---------------------------------------------------------------------------
// PublicAccessBlockConfiguration

TEST(PublicAccessBlockTest, Good) {
  struct Case {
    std::string body;
    PublicAccessBlock want;
  };
  const std::vector<Case> cases = {
      // boto3: put_public_access_block(PublicAccessBlockConfiguration={'BlockPublicAcls': True,
      //   'IgnorePublicAcls': False, 'BlockPublicPolicy': True, 'RestrictPublicBuckets': False})
      {"<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>"
       "<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false"
       "</RestrictPublicBuckets></PublicAccessBlockConfiguration>",
       {true, false, true, false}},
      // boto3 with one setting: the others are false.
      {"<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
       "<BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>",
       {true, false, false, false}},
      {"<PublicAccessBlockConfiguration/>", {false, false, false, false}},
      {"<PublicAccessBlockConfiguration><RestrictPublicBuckets> 1 </RestrictPublicBuckets>"
       "<IgnorePublicAcls>1</IgnorePublicAcls></PublicAccessBlockConfiguration>",
       {false, true, false, true}},
  };
  for (const Case& c : cases) {
    auto r = ParsePublicAccessBlockConfiguration(c.body);
    ASSERT_TRUE(r.ok()) << c.body << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.want) << c.body;
  }
}

TEST(PublicAccessBlockTest, Bad) {
  const std::vector<Bad> cases = {
      {"bad bool",
       "<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls>"
       "</PublicAccessBlockConfiguration>"},
      {"empty bool",
       "<PublicAccessBlockConfiguration><BlockPublicAcls/></PublicAccessBlockConfiguration>"},
      {"twice",
       "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>"
       "<BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>"},
      {"wrong root", "<PublicAccessBlock><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlock>"},
      {"empty body", ""},
  };
  for (const Bad& c : cases) ExpectBad(ParsePublicAccessBlockConfiguration(c.body), c);
}

}  // namespace
}  // namespace api::s3
