-- Sales in a quantity and price band (q28 style).
select avg(ss_sales_price) as avg_price, count(ss_sales_price) as cnt, count(distinct ss_sales_price) as distinct_prices
from store_sales
where ss_quantity between 6 and 10
  and (ss_sales_price between 73 and 83 or ss_net_profit between 152 and 1152);
