from SPARQLWrapper import JSON, SPARQLWrapper

sparql = SPARQLWrapper("http://127.0.0.1:8000/sparql")
sparql.setReturnFormat(JSON)
sparql.setTimeout(30)
sparql.setQuery("""
PREFIX pk: <https://w3id.org/plankg/def#>
SELECT ?year ?comparator ?value ?unit WHERE {
  ?t pk:indicator <https://w3id.org/plankg/id/indicator/hightech-fdi> ;
     pk:targetYear ?year ; pk:comparator ?comparator ; pk:value ?value ; pk:unit ?unit .
} ORDER BY ?year""")
for row in sparql.queryAndConvert()["results"]["bindings"]:
    print(row["year"]["value"], row["comparator"]["value"], row["value"]["value"], row["unit"]["value"])
