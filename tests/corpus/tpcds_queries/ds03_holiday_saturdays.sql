-- Profit on holiday Saturdays.
select d_date, sum(ss_net_profit) as profit
from store_sales, date_dim
where ss_sold_date_sk = d_date_sk
  and d_holiday = 'Y'
  and d_day_name = 'Saturday'
group by d_date
order by d_date;
